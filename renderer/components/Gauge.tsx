import type { Thresholds } from '../../shared/settings';
import { useApp } from '../store/useApp';
import { formatMiBPair, formatUsage } from './format';

const MARKS = ['restore', 'warning', 'critical', 'emergency'] as const;
const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;

/**
 * Usage and MiB as text, and a bar with the threshold marks on it. Each selector returns a string or an
 * integer, so a sample that does not change what is shown (same tenth of a percent) causes no render.
 */
export function Gauge() {
  const usageText = useApp((s) => (s.telemetry.latest ? formatUsage(s.telemetry.latest.usage) : null));
  const mibText = useApp((s) =>
    s.telemetry.latest ? formatMiBPair(s.telemetry.latest.usedMiB, s.telemetry.latest.totalMiB) : null,
  );
  const permille = useApp((s) => Math.round((s.telemetry.latest?.usage ?? 0) * 1000));
  const thresholds = useApp((s) => s.settings.saved?.memory.thresholds ?? null);
  const level = useApp((s) => s.status?.level ?? null);
  const gpuName = useApp((s) => s.status?.gpu?.name ?? null);
  return (
    <div className="gauge">
      <div className="gauge-figures">
        <span data-testid="gauge-usage" className="gauge-usage">
          {usageText ?? '—'}
        </span>
        <span data-testid="gauge-mib" className="gauge-mib">
          {mibText ?? 'waiting for the first reading'}
        </span>
      </div>
      <ThresholdBar permille={permille} level={level} thresholds={thresholds} gpuName={gpuName} />
    </div>
  );
}

interface BarProps {
  permille: number;
  level: string | null;
  thresholds: Thresholds | null;
  gpuName: string | null;
  /** The threshold names under the bar (one GPU row per GPU shows them once). */
  legend?: boolean;
  testId?: string;
}

/**
 * SVG rather than positioned HTML: the marks' places are attributes, so no inline style is needed (the CSP
 * allows none). The bar stretches; `non-scaling-stroke` keeps the marks' lines one width.
 */
export function ThresholdBar({
  permille,
  level,
  thresholds,
  gpuName,
  legend = true,
  testId = 'threshold-bar',
}: BarProps) {
  const usage = permille / 1000;
  const label =
    `GPU memory used${gpuName ? ` on ${gpuName}` : ''}: ${formatUsage(usage)}` +
    (thresholds ? `; ${MARKS.map((m) => `${m} at ${pct(thresholds[m])}`).join(', ')}` : '');
  return (
    <>
      <svg
        className="threshold-bar"
        data-testid={testId}
        viewBox="0 0 100 12"
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
      >
        <rect className="bar-track" x="0" y="2" width="100" height="8" />
        <rect
          className={`bar-fill bar-${level ? level.toLowerCase() : 'unknown'}`}
          x="0"
          y="2"
          width={Math.min(100, usage * 100)}
          height="8"
        />
        {thresholds &&
          MARKS.map((m) => (
            <line
              key={m}
              className={`bar-mark mark-${m}`}
              data-testid={testId === 'threshold-bar' ? `threshold-mark-${m}` : undefined}
              x1={thresholds[m] * 100}
              x2={thresholds[m] * 100}
              y1="0"
              y2="12"
              vectorEffect="non-scaling-stroke"
            />
          ))}
      </svg>
      {thresholds && legend && (
        <p className="bar-legend" aria-hidden="true">
          {MARKS.map((m) => (
            <span key={m} className={`legend-${m}`}>
              {m} {pct(thresholds[m])}
            </span>
          ))}
        </p>
      )}
    </>
  );
}
