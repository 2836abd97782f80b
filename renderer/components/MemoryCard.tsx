import { memo } from 'react';
import type { ModelStatus } from '../../shared/engineEvents';
import { useApp } from '../store/useApp';
import { formatClock } from './format';
import { Gauge } from './Gauge';
import { GpuRows } from './GpuRows';
import { LevelBadge } from './LevelBadge';
import { OffloadButton } from './OffloadButton';
import { placementLine, prefersCpu } from './placementLine';
import { RestoreButton } from './RestoreButton';

/**
 * The one memory card: level, usage, the bar with its thresholds, where each model runs and why, and the
 * two commands. Without a GPU it says so and shows nothing that only a GPU gives meaning to; while the
 * engine is out of reach its figures are dimmed and labelled as the last known.
 */
export function MemoryCard() {
  const noGpu = useApp((s) => s.status?.probe.kind === 'none');
  const stale = useApp((s) => s.connection.state !== 'live' && s.status !== null);
  // Read only while stale: the reading's time changes with every sample, and selecting it always would
  // re-render the whole card ten times a second (bench (f)).
  const lastAt = useApp((s) => (s.connection.state !== 'live' ? (s.telemetry.latest?.atMs ?? null) : null));
  const manyGpus = useApp((s) => (s.status?.gpus.length ?? 0) > 1);
  if (noGpu) return <NoGpuCard stale={stale} />;
  return (
    <section
      className={`memory-card${stale ? ' stale' : ''}`}
      data-testid="memory-card"
      data-stale={stale}
      aria-labelledby="memory-title"
    >
      <div className="memory-head">
        <h2 id="memory-title">GPU memory</h2>
        <LevelBadge />
      </div>
      {stale && (
        <p className="stale-label" data-testid="stale-label">
          Reconnecting: last known figures{lastAt !== null ? ` from ${formatClock(lastAt)}` : ''}
        </p>
      )}
      {manyGpus ? <GpuRows /> : <Gauge />}
      <ModelLines />
      <div className="actions">
        <RestoreButton />
        <OffloadButton />
      </div>
    </section>
  );
}

function NoGpuCard({ stale }: { stale: boolean }) {
  return (
    <section
      className={`memory-card no-gpu${stale ? ' stale' : ''}`}
      data-testid="memory-card"
      data-gpu="none"
      aria-labelledby="memory-title"
    >
      <h2 id="memory-title">GPU memory</h2>
      <p data-testid="no-gpu">No GPU found: speech runs on the CPU.</p>
      <p className="hint">
        <code>swictation doctor</code> says which GPU probes were tried and why each failed.
      </p>
    </section>
  );
}

/** One line per GPU model; `status.models` keeps its identity until a model moves (shareStatus). */
function ModelLines() {
  const models = useApp((s) => s.status?.models ?? null);
  const gpuModels = models?.filter((m) => !prefersCpu(m)) ?? [];
  if (gpuModels.length === 0) return null;
  return (
    <ul className="model-lines" aria-label="Where each model runs">
      {gpuModels.map((m) => (
        <ModelLine key={m.id} model={m} />
      ))}
    </ul>
  );
}

const ModelLine = memo(function ModelLine({ model }: { model: ModelStatus }) {
  // The line depends on the level and usage too: select the text itself, so equal text renders nothing.
  const text = useApp((s) =>
    s.status ? placementLine(model, s.status, s.settings.saved?.memory.thresholds.restore ?? null) : '',
  );
  return (
    <li data-testid={`model-line-${model.id}`} data-device={model.device} data-gpu={model.gpu ?? 'none'}>
      <span className={`device device-${model.device}`}>{model.id}</span> <span>{text}</span>
    </li>
  );
});
