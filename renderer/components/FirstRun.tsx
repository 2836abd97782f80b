import { useId, useState } from 'react';
import { saveChange } from '../engine/saveSettings';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useApp, useAppStore } from '../store/useApp';

/**
 * What a new user needs to know before the gauges make sense: no GPU (everything runs on the CPU), a
 * settings file that could not be read, or no speech model yet (a guided choice).
 */
export function FirstRun() {
  const noGpu = useApp((s) => s.status?.probe.kind === 'none');
  const noGpuEp = useApp(
    (s) => s.status?.probe.kind !== 'none' && s.engine.info?.executionProviders?.gpuEp === null,
  );
  const settingsProblem = useApp((s) => s.engine.info?.settingsProblem ?? null);
  const speechProblem = useApp((s) => s.engine.speechProblem);
  if (!noGpu && !noGpuEp && !settingsProblem && !speechProblem) return null;
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">Getting started</h2>
      {noGpu && (
        <p data-testid="first-run-no-gpu">
          No supported GPU was found. Swictation runs its speech models on the CPU: dictation works, and there
          is no GPU memory to watch.
        </p>
      )}
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
      {speechProblem && <ModelChoice problem={speechProblem} />}
    </section>
  );
}

function ModelChoice({ problem }: { problem: string }) {
  const { api } = useServices();
  const store = useAppStore();
  const current = useApp((s) => s.settings.saved?.speech.model ?? '');
  const [choice, setChoice] = useState<'bundled' | 'custom'>(current ? 'custom' : 'bundled');
  const [folder, setFolder] = useState(current);
  const [note, setNote] = useState<string | null>(null);
  const folderId = useId();

  const save = async () => {
    const model = choice === 'bundled' ? '' : folder.trim();
    try {
      await saveChange(api, store, (s) => ({ ...s, speech: { ...s.speech, model } }));
      setNote('Saved. The engine loads this model when it next starts.');
    } catch (error) {
      setNote(`Not saved: ${errorMessage(error)}`);
    }
  };

  return (
    <form
      className="model-choice"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p>No speech model is ready yet ({problem}).</p>
      <fieldset>
        <legend>Choose a speech model</legend>
        <label>
          <input
            type="radio"
            name="model-choice"
            checked={choice === 'bundled'}
            onChange={() => setChoice('bundled')}
          />
          The first installed model, else the small bundled one (good for trying Swictation out)
        </label>
        <label>
          <input
            type="radio"
            name="model-choice"
            checked={choice === 'custom'}
            onChange={() => setChoice('custom')}
          />
          A model I installed, by id or folder
        </label>
        <label htmlFor={folderId} className="visually-hidden">
          Model id or folder
        </label>
        <input
          id={folderId}
          type="text"
          value={folder}
          disabled={choice !== 'custom'}
          placeholder="a model id or /path/to/model"
          onChange={(e) => setFolder(e.target.value)}
        />
      </fieldset>
      <p className="hint">
        <code>swictation models list</code> shows the catalog; <code>swictation models pull ID</code>{' '}
        downloads one (resumable, checksummed).
      </p>
      <button type="submit" disabled={choice === 'custom' && folder.trim() === ''}>
        Use this model
      </button>
      {note && <p role="status">{note}</p>}
    </form>
  );
}
