import { useState } from 'react';
import { saveChange } from '../engine/saveSettings';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useApp, useAppStore } from '../store/useApp';
import { ModelPicker } from './ModelPicker';

/**
 * What a new user needs to know before the gauges make sense: a GPU without a working provider, a
 * settings file that could not be read, no speech model yet (a guided choice with downloads), or only the
 * small bundled one (a pointer to Settings).
 */
export function FirstRun() {
  const noGpuEp = useApp(
    (s) => s.status?.probe.kind !== 'none' && s.engine.info?.executionProviders?.gpuEp === null,
  );
  const settingsProblem = useApp((s) => s.engine.info?.settingsProblem ?? null);
  const speechProblem = useApp((s) => s.engine.speechProblem);
  const bundledOnly = useApp((s) => s.models.listing?.active?.source === 'fixture');
  // An engine started without speech (memory-only tools) has nothing to choose: the Dictate button says why.
  const canChoose = useApp((s) => s.models.listing?.speechEnabled ?? true);
  const choice = speechProblem !== null && canChoose;
  // No GPU at all is the memory card's to say (MemoryCard), not a first-run step.
  if (!noGpuEp && !settingsProblem && !choice && !bundledOnly) return null;
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">Getting started</h2>
      {noGpuEp && (
        <p>
          A GPU is present, but no GPU execution provider works on this machine, so the models run on the CPU.
        </p>
      )}
      {settingsProblem && (
        <p className="warning-text">
          Your settings could not be read ({settingsProblem.message}); the defaults are in use
          {settingsProblem.keptAs ? ` and the old file was kept as ${settingsProblem.keptAs}` : ''}.
        </p>
      )}
      {choice && <ModelChoice problem={speechProblem} />}
      {bundledOnly && !speechProblem && <BundledModelNote />}
    </section>
  );
}

function ModelChoice({ problem }: { problem: string }) {
  const { api } = useServices();
  const store = useAppStore();
  const current = useApp((s) => s.settings.saved?.speech.model ?? '');
  const [note, setNote] = useState<string | null>(null);

  // A choice is saved at once: the engine loads the model without a restart, or says why it cannot.
  const choose = async (model: string) => {
    setNote('Loading…');
    try {
      await saveChange(api, store, (s) => ({ ...s, speech: { ...s.speech, model } }));
      setNote(null);
    } catch (error) {
      setNote(`Not loaded: ${errorMessage(error)}`);
    }
  };

  return (
    <div className="model-choice">
      <p>No speech model is ready yet ({problem}). Choose one, or download one first:</p>
      <ModelPicker name="first-run-model" selected={current} onChoose={(id) => void choose(id)} />
      {note && <p role="status">{note}</p>}
    </div>
  );
}

/** The bundled model knows 44 words: good for a first try, not for real dictation. */
function BundledModelNote() {
  return (
    <p data-testid="first-run-bundled">
      Dictation uses the small bundled model, which knows only a few dozen words.{' '}
      <a href="#settings">Choose or download a full model</a> in Settings.
    </p>
  );
}
