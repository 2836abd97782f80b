import { useServices } from '../services';
import { shownDictation, type ShownDictation } from '../store/dictationSlice';
import { useApp } from '../store/useApp';
import { hotkeyText, ON_MAC } from './hotkeyText';
import { MicIcon } from './MicIcon';

const LABEL: Record<ShownDictation, string> = {
  idle: 'Dictate',
  starting: 'Starting…',
  listening: 'Listening · Stop',
  transcribing: 'Transcribing…',
};

/** What the live region says: short words a screen reader speaks once per change. */
const ANNOUNCE: Record<ShownDictation, string> = {
  idle: 'Not dictating',
  starting: 'Starting dictation',
  listening: 'Listening',
  transcribing: 'Transcribing',
};

/**
 * The popover's first control: one large Dictate / Stop button with the microphone's live level while
 * listening, and the hotkey beside it. Problems (no microphone, permission) are said under it.
 */
export function DictateToggle() {
  const { dictation } = useServices();
  const shown = useApp((s) => shownDictation(s.dictation));
  const message = useApp((s) => s.dictation.message);
  const live = useApp((s) => s.connection.state === 'live');
  const speechProblem = useApp((s) => s.engine.speechProblem);
  const hotkey = useApp((s) => s.settings.saved?.speech.hotkey ?? null);
  const listening = shown === 'listening';
  const busy = shown === 'starting' || shown === 'transcribing';
  const blocked = !live ? 'Not connected to the engine' : speechProblem && !listening ? speechProblem : null;

  return (
    <section className="dictate" aria-label="Dictation">
      <div className="dictate-row">
        <button
          type="button"
          data-testid="dictate"
          data-state={shown}
          className={`dictate-button dictate-${shown}`}
          aria-pressed={listening}
          disabled={blocked !== null}
          // Busy, not disabled: a disabled button drops the keyboard focus, and the next Enter would be lost.
          aria-disabled={busy}
          title={blocked ?? (listening ? 'Stop dictating' : 'Dictate from the microphone')}
          onClick={() => {
            if (!busy) void dictation.toggle();
          }}
        >
          <MicIcon />
          <span className="dictate-label">{LABEL[shown]}</span>
          {listening && <InputLevel />}
        </button>
        {hotkey && (
          <kbd className="hotkey" data-testid="dictate-hotkey" title="The hotkey starts and stops dictation">
            {hotkeyText(hotkey, ON_MAC)}
          </kbd>
        )}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="dictate-announcement">
        {ANNOUNCE[shown]}
      </p>
      {message && (
        <p className="dictate-message" role="alert" data-testid="dictate-message">
          {message}
        </p>
      )}
      {blocked && live && <p className="dictate-message">{blocked}</p>}
    </section>
  );
}

/**
 * The microphone's loudness: a meter, so the user sees the app hears them. This window's own capture, or the
 * engine's `input` events for a dictation the hotkey or the tray started (the store picks).
 */
function InputLevel() {
  const level = useApp((s) => s.dictation.inputLevel);
  return (
    <meter
      className="input-level"
      data-testid="input-level"
      aria-label="Microphone level"
      min={0}
      max={1}
      value={level}
    />
  );
}
