import { memo } from 'react';
import type { GpuStatus } from '../../shared/engineEvents';
import type { Thresholds } from '../../shared/settings';
import { useApp } from '../store/useApp';
import { formatMiBPair, formatUsage } from './format';
import { ThresholdBar } from './Gauge';
import './gpuRows.css';

/**
 * With several GPUs, one compact row each in place of the single gauge: which GPU, its usage and MiB, its own
 * level, and a bar with the threshold marks (their names under the last bar only). `status.gpus` keeps its
 * identity while nothing changes (shareStatus), and each row is memoised on its own entry.
 */
export function GpuRows() {
  const gpus = useApp((s) => s.status?.gpus ?? null);
  const thresholds = useApp((s) => s.settings.saved?.memory.thresholds ?? null);
  if (!gpus) return null;
  return (
    <ul className="gpu-rows" data-testid="gpu-rows" aria-label="Memory of each GPU">
      {gpus.map((g, i) => (
        <GpuRow key={g.index} gpu={g} thresholds={thresholds} legend={i === gpus.length - 1} />
      ))}
    </ul>
  );
}

interface RowProps {
  gpu: GpuStatus;
  thresholds: Thresholds | null;
  legend: boolean;
}

const GpuRow = memo(function GpuRow({ gpu, thresholds, legend }: RowProps) {
  const state = gpu.out ? `${gpu.level}, out after GPU errors` : gpu.level;
  return (
    <li className="gpu-row" data-testid={`gpu-row-${gpu.index}`} data-level={gpu.level} data-out={gpu.out}>
      <div className="gpu-row-figures">
        <span className="gpu-row-name">
          GPU {gpu.index} · {gpu.name}
        </span>
        <span className="gpu-row-usage">{formatUsage(gpu.usage)}</span>
        <span className="gpu-row-mib">{formatMiBPair(gpu.usedMiB, gpu.totalMiB)}</span>
        <span className="gpu-row-level">{state}</span>
      </div>
      <ThresholdBar
        permille={Math.round(gpu.usage * 1000)}
        level={gpu.level}
        thresholds={thresholds}
        gpuName={`GPU ${gpu.index}, ${gpu.name}`}
        legend={legend}
        testId={`gpu-bar-${gpu.index}`}
      />
    </li>
  );
});
