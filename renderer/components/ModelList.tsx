import { memo } from 'react';
import type { ModelStatus } from '../../shared/engineEvents';
import { useApp } from '../store/useApp';
import { formatClock, formatMiB } from './format';

/** Where each model runs and why. `status.models` keeps its identity until a model moves (shareStatus). */
export function ModelList() {
  const models = useApp((s) => s.status?.models ?? null);
  return (
    <section className="models" aria-labelledby="models-title">
      <h2 id="models-title">Models</h2>
      {models === null ? (
        <p className="empty">Waiting for the engine…</p>
      ) : models.length === 0 ? (
        <p className="empty">No model is loaded.</p>
      ) : (
        <table className="model-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Device</th>
              <th scope="col">VRAM</th>
              <th scope="col">Last moved</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <ModelRow key={m.id} model={m} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const ModelRow = memo(function ModelRow({ model }: { model: ModelStatus }) {
  return (
    <tr data-testid={`model-row-${model.id}`} data-device={model.device}>
      <th scope="row">
        <span className="model-role">{model.role}</span>
        <span className="model-id">{model.id}</span>
      </th>
      <td>
        <span className={`device device-${model.device}`}>{model.device.toUpperCase()}</span>
        <span className="model-ep">{model.ep}</span>
      </td>
      {/* A model on the CPU holds no VRAM; what it would take on the GPU is in the tooltip. */}
      <td title={`about ${formatMiB(model.estimateMiB)} on the GPU`}>
        {model.device === 'gpu' ? formatMiB(model.vramMiB) : 'none'}
      </td>
      <td>
        <span className="model-reason">{model.reason}</span>
        {model.movedAtMs > 0 && (
          <time dateTime={new Date(model.movedAtMs).toISOString()}>{formatClock(model.movedAtMs)}</time>
        )}
      </td>
    </tr>
  );
});
