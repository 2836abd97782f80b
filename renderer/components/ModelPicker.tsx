import { useState, type ReactNode } from 'react';
import type { ModelListingEntry } from '../../shared/contract';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import type { DownloadView } from '../store/modelsSlice';
import { useApp } from '../store/useApp';
import { formatMiB } from './format';

interface Props {
  /** The chosen model id; '' = automatic (the first installed, else the bundled one). */
  selected: string;
  onChoose: (id: string) => void;
  /** Radio group name: unique per picker on a page. */
  name: string;
}

/**
 * Every model the engine knows (catalog + installed): pick an installed one, download one with progress
 * (resumable, checksummed by the engine), cancel a download. Test ids: `model-option-<id>`,
 * `model-download-<id>`, `model-progress-<id>`, `model-cancel-<id>`, `model-download-error-<id>`.
 */
export function ModelPicker({ selected, onChoose, name }: Props) {
  const listing = useApp((s) => s.models.listing);
  const downloads = useApp((s) => s.models.downloads);
  if (listing === null) return <p className="empty">Waiting for the engine’s model list…</p>;
  return (
    <div className="model-picker" data-testid="model-picker" role="radiogroup" aria-label="Speech model">
      <ModelRow
        name={name}
        id=""
        title="Automatic"
        detail="The first installed model, else the small bundled one"
        checked={selected === ''}
        enabled
        onChoose={onChoose}
      />
      {listing.models.map((m) => (
        <ModelRow
          key={m.id}
          name={name}
          id={m.id}
          title={m.title}
          detail={describe(m)}
          checked={selected === m.id}
          enabled={m.installed && m.problem === null}
          active={listing.active?.id === m.id}
          onChoose={onChoose}
        >
          {!m.installed && !m.bundled && <DownloadControls model={m} view={downloads[m.id] ?? null} />}
          {m.problem && <p className="warning-text">{m.problem}</p>}
        </ModelRow>
      ))}
      <p className="hint">Models are kept in {listing.modelsDir}.</p>
    </div>
  );
}

interface RowProps {
  name: string;
  id: string;
  title: string;
  detail: string;
  checked: boolean;
  enabled: boolean;
  active?: boolean;
  onChoose: (id: string) => void;
  children?: ReactNode;
}

function ModelRow({ name, id, title, detail, checked, enabled, active, onChoose, children }: RowProps) {
  const inputId = `${name}-${id || 'auto'}`;
  return (
    <div className="model-row-option" data-testid={`model-option-${id || 'auto'}`} data-active={active}>
      <input
        type="radio"
        id={inputId}
        name={name}
        value={id}
        checked={checked}
        disabled={!enabled}
        onChange={() => onChoose(id)}
      />
      <label htmlFor={inputId}>
        <span className="model-title">{title}</span>
        {active && <span className="model-in-use"> — in use</span>}
        <span className="hint"> {detail}</span>
      </label>
      {children}
    </div>
  );
}

function describe(m: ModelListingEntry): string {
  const parts = [
    m.bundled ? 'bundled' : m.installed ? 'installed' : 'not installed',
    m.downloadBytes !== null && !m.installed ? `${formatMiB(m.downloadBytes / 2 ** 20)} download` : null,
    m.expectedVramMiB !== null ? `~${formatMiB(m.expectedVramMiB)} on the GPU` : null,
    m.licence,
    m.notes,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

/** Download with progress and Cancel for one model (the picker's rows and the first-run suggestion). */
export function DownloadControls({ model, view }: { model: ModelListingEntry; view: DownloadView | null }) {
  const { api } = useServices();
  const [trusted, setTrusted] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const running = model.downloading || view?.state === 'started' || view?.state === 'progress';
  const pull = async () => {
    setRefused(null);
    // In the app the engine takes an unverified install from a window only after main's own dialog said yes.
    const bridge = window.swictation;
    if (model.unverified && bridge && !(await bridge.confirmUnverifiedModel(model.id).catch(() => false))) {
      setRefused('Not installed: the download without a confirmed checksum was not confirmed.');
      return;
    }
    await api
      .call('models.pull', { id: model.id, ...(model.unverified ? { allowUnverified: trusted } : {}) })
      .catch((error: unknown) => setRefused(errorMessage(error)));
  };
  const cancel = () => {
    api.call('models.cancel', { id: model.id }).catch((error: unknown) => setRefused(errorMessage(error)));
  };
  if (running) {
    const pct = view?.total ? Math.min(100, (view.bytes / view.total) * 100) : null;
    return (
      <div className="model-download">
        <progress
          data-testid={`model-progress-${model.id}`}
          max={100}
          value={pct ?? undefined}
          aria-label={`Downloading ${model.title}`}
        />
        <span role="status">
          {pct !== null ? `${pct.toFixed(0)}%` : 'Downloading…'}
          {view ? ` (${formatMiB(view.bytes / 2 ** 20)})` : ''}
        </span>
        <button type="button" data-testid={`model-cancel-${model.id}`} onClick={cancel}>
          Cancel
        </button>
      </div>
    );
  }
  const failure = refused ?? (view?.state === 'failed' || view?.state === 'cancelled' ? view.message : null);
  return (
    <div className="model-download">
      {model.unverified && (
        <label className="hint">
          <input type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} /> Install
          without a confirmed checksum (only if you trust the source)
        </label>
      )}
      <button
        type="button"
        data-testid={`model-download-${model.id}`}
        disabled={model.unverified && !trusted}
        onClick={() => void pull()}
      >
        {view?.state === 'failed' && view.retryable ? 'Resume download' : 'Download'}
      </button>
      {failure && (
        <p className="warning-text" role="alert" data-testid={`model-download-error-${model.id}`}>
          {failure}
        </p>
      )}
    </div>
  );
}
