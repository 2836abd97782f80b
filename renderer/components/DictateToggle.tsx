import { useServices } from '../services';
import type { DictationPhase } from '../store/dictationSlice';
import { useApp } from '../store/useApp';

const LABEL: Record<DictationPhase, string> = {
  idle: 'Dictate',
  starting: 'Starting…',
  listening: 'Stop',
  stopping: 'Finishing…',
};

/** Dictate / Stop with a recording indicator; problems (no microphone, permission) are said beside it. */
export function DictateToggle() {
  const { dictation } = useServices();
  const phase = useApp((s) => s.dictation.phase);
  const capturing = useApp((s) => s.dictation.capturing);
  const source = useApp((s) => s.dictation.source);
  const message = useApp((s) => s.dictation.message);
  const live = useApp((s) => s.connection.state === 'live');
  const speechProblem = useApp((s) => s.engine.speechProblem);
  const listening = phase === 'listening';
  const blocked = !live ? 'Not connected to the engine' : speechProblem && !listening ? speechProblem : null;

  return (
    <div className="dictate">
      <button
        type="button"
        data-testid="dictate"
        data-state={phase}
        className={`dictate-button${listening ? ' recording' : ''}`}
        aria-pressed={listening}
        disabled={blocked !== null || phase === 'starting' || phase === 'stopping'}
        title={blocked ?? (listening ? 'Stop dictating' : 'Dictate from the microphone')}
        onClick={() => void dictation.toggle()}
      >
        <span className={`rec-dot${listening ? ' on' : ''}`} aria-hidden="true" />
        {LABEL[phase]}
      </button>
      {listening && (
        <span className="recording-label" role="status">
          {capturing ? 'Recording from this microphone' : `Listening (${source ?? 'engine'})`}
        </span>
      )}
      {message && (
        <p className="dictate-message" role="alert" data-testid="dictate-message">
          {message}
        </p>
      )}
    </div>
  );
}
