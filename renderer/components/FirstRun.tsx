import { useState } from 'react';
import { recommendModel } from '../../shared/modelRecommendation';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { saveChange } from '../engine/saveSettings';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import type { AppState } from '../store/appStore';
import { useApp, useAppStore } from '../store/useApp';
import { formatMiB } from './format';
import { DownloadControls } from './ModelPicker';
import './firstRun.css';

/**
 * What a new user needs to know before the gauges make sense: a GPU without a working provider, a
 * settings file that could not be read, and, while dictation has no real model (none loads, or only the small
 * bundled one), the one model suggested for this machine with its Download. Every other model is in Settings.
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
  const needsModel = canChoose && (speechProblem !== null || bundledOnly);
  // No GPU at all is the memory card's to say (MemoryCard), not a first-run step.
  if (!noGpuEp && !settingsProblem && !needsModel) return null;
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
      {needsModel && (
        <SuggestedModel
          lead={speechProblem !== null ? `No speech model is ready yet (${speechProblem}).` : null}
        />
      )}
    </section>
  );
}

/** Free GPU memory the models can use; null without a GPU or without a provider that runs on it. */
function usableFreeMiB(s: AppState): number | null {
  const status = s.status;
  if (!status || status.gpu === null || status.probe.kind === 'none' || status.lastSampleAtMs === null)
    return null;
  return s.engine.info?.executionProviders?.gpuEp === null ? null : status.freeMiB;
}

/** The recommendation as one string, so the panel renders again only when what it says changes. */
function suggestionKey(s: AppState): string {
  const listing = s.models.listing;
  if (!listing) return '';
  const r = recommendModel(listing.models, {
    freeMiB: usableFreeMiB(s),
    headroomMiB: s.settings.saved?.memory.headroomMiB ?? DEFAULT_SETTINGS.memory.headroomMiB,
  });
  return r ? JSON.stringify(r) : '';
}

/**
 * One model for this machine, in as little height as it takes (the popover keeps Dictate and the memory card
 * above the fold): what and why (folded), Download with progress and Cancel, then Use it; the others in Settings.
 */
function SuggestedModel({ lead }: { lead: string | null }) {
  const key = useApp(suggestionKey);
  const listing = useApp((s) => s.models.listing);
  const downloads = useApp((s) => s.models.downloads);
  if (!listing) return <p className="empty">Waiting for the engine’s model list…</p>;
  const suggestion = key ? (JSON.parse(key) as { id: string; device: 'gpu' | 'cpu'; reason: string }) : null;
  const model = suggestion ? listing.models.find((m) => m.id === suggestion.id) : undefined;
  return (
    <div className="suggested-model" data-testid="first-run-suggestion" data-model={model?.id ?? ''}>
      <p>
        {lead !== null && `${lead} `}
        {suggestion && model ? (
          <>
            For real dictation: <strong data-testid="first-run-suggested-title">{model.title}</strong>
            {model.downloadBytes !== null ? `, ${formatMiB(model.downloadBytes / 2 ** 20)}` : ''}.
          </>
        ) : (
          'The catalog offers no dictation model to suggest.'
        )}
      </p>
      <div className="suggested-actions">
        {model &&
          (model.installed ? (
            <UseModel id={model.id} />
          ) : (
            <DownloadControls model={model} view={downloads[model.id] ?? null} />
          ))}
        {suggestion && (
          <details className="suggested-why">
            <summary>Why this one?</summary>
            <p className="hint" data-testid="first-run-suggestion-reason">
              {suggestion.reason}
            </p>
            <p className="hint">
              It runs on the {suggestion.device === 'gpu' ? 'GPU' : 'CPU'}.
              {lead === null && ' The bundled model dictation uses now knows only a few dozen words.'}
            </p>
          </details>
        )}
        <a href="#settings/speech" data-testid="first-run-other-models">
          Other models
        </a>
      </div>
    </div>
  );
}

/** A downloaded suggestion is used at once when asked: the engine loads it without a restart, or says why not. */
function UseModel({ id }: { id: string }) {
  const { api } = useServices();
  const store = useAppStore();
  const [note, setNote] = useState<string | null>(null);
  const use = async () => {
    setNote('Loading…');
    try {
      await saveChange(api, store, (s) => ({ ...s, speech: { ...s.speech, model: id } }));
      setNote(null);
    } catch (error) {
      setNote(`Not loaded: ${errorMessage(error)}`);
    }
  };
  return (
    <div className="model-download">
      <button type="button" data-testid="first-run-use" onClick={() => void use()}>
        Use it
      </button>
      {note && <p role="status">{note}</p>}
    </div>
  );
}
