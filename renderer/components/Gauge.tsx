import { useApp } from '../store/useApp';
import { formatMiBPair, formatUsage } from './format';

/**
 * Usage and MiB as text, plus a meter. Each selector returns the formatted string, so a sample that does
 * not change what is shown (same tenth of a percent) causes no render at all.
 */
export function Gauge() {
  const usageText = useApp((s) => (s.telemetry.latest ? formatUsage(s.telemetry.latest.usage) : null));
  const mibText = useApp((s) =>
    s.telemetry.latest ? formatMiBPair(s.telemetry.latest.usedMiB, s.telemetry.latest.totalMiB) : null,
  );
  const permille = useApp((s) => Math.round((s.telemetry.latest?.usage ?? 0) * 1000));
  const thresholds = useApp((s) => s.settings.saved?.memory.thresholds ?? null);
  const noGpu = useApp((s) => s.status?.probe.kind === 'none');
  const gpuName = useApp((s) => s.status?.gpu?.name ?? null);

  if (noGpu) {
    return (
      <section className="gauge" aria-label="GPU memory">
        <p className="gauge-none">No GPU: models run on the CPU.</p>
      </section>
    );
  }
  return (
    <section className="gauge" aria-label="GPU memory">
      <div className="gauge-figures">
        <span data-testid="gauge-usage" className="gauge-usage">
          {usageText ?? '—'}
        </span>
        <span data-testid="gauge-mib" className="gauge-mib">
          {mibText ?? 'waiting for the first reading'}
        </span>
      </div>
      <meter
        className="gauge-meter"
        aria-label={`GPU memory used${gpuName ? ` on ${gpuName}` : ''}`}
        min={0}
        max={1}
        low={thresholds?.warning ?? 0.8}
        high={thresholds?.critical ?? 0.9}
        optimum={0}
        value={permille / 1000}
      />
    </section>
  );
}
