import { useApp } from '../store/useApp';
import { formatMiB } from './format';

/** Who holds the GPU's memory, from the probe's process lists (the latest sample). */
export function TopProcesses() {
  const processes = useApp((s) => s.telemetry.processes);
  return (
    <section className="top-processes" aria-labelledby="processes-title">
      <h2 id="processes-title">GPU memory by process</h2>
      {processes.length === 0 ? (
        <p className="empty">The GPU driver reports no processes.</p>
      ) : (
        <table className="model-table" data-testid="top-processes">
          <thead>
            <tr>
              <th scope="col">Process</th>
              <th scope="col">PID</th>
              <th scope="col">Memory</th>
            </tr>
          </thead>
          <tbody>
            {processes.map((p) => (
              <tr key={p.pid}>
                <th scope="row">{p.name}</th>
                <td>{p.pid}</td>
                <td>{p.usedMiB === null ? 'not reported' : formatMiB(p.usedMiB)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
