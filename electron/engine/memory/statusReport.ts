import type { EngineStatus } from '../../../shared/engineEvents';

/** The status block written to the log every report interval and printed by `swictation status`. */
export function formatStatusReport(s: EngineStatus): string {
  const onGpu = s.models.filter((m) => m.device === 'gpu');
  const offloaded = s.models.filter((m) => m.device === 'cpu');
  const gpuLine = s.gpu
    ? `${s.gpu.name} (GPU ${s.gpu.index}): ${Math.round(s.usedMiB)} / ${Math.round(s.totalMiB)} MiB used (${(s.usage * 100).toFixed(1)}%), ${Math.round(s.freeMiB)} MiB free, ${s.reservedMiB === null ? 'reserved n/a' : `${Math.round(s.reservedMiB)} MiB reserved`}`
    : 'none (models run on the CPU)';
  const lines = [
    '=== Swictation GPU memory status ===',
    `Level:            ${s.level}`,
    `GPU:              ${gpuLine}`,
    `Probe:            ${s.probe.kind}${s.probe.ok ? '' : ` — FAILING: ${s.probe.error ?? 'unknown error'}`}`,
    `Models on GPU:    ${onGpu.length ? onGpu.map((m) => `${m.id} (${m.ep}, ${Math.round(m.vramMiB)} MiB)`).join(', ') : 'none'}`,
    `Models on CPU:    ${offloaded.length ? offloaded.map((m) => `${m.id} — ${m.reason}`).join('; ') : 'none'}`,
    `GPU errors:       ${s.gpuErrors.inWindow}/${s.gpuErrors.limit} in the last ${formatDuration(s.gpuErrors.windowMs)} (${s.gpuErrors.count} since the last Restore)`,
    `CPU fallback:     ${s.permanentCpu ? 'PERMANENT until Restore to GPU' : s.pinnedByUser ? 'pinned by the user until Restore to GPU' : 'no'}`,
  ];
  return lines.join('\n');
}

/** 600000 → "10 min", 90000 → "1.5 min", 30000 → "30 s". */
export function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${Number((ms / 60_000).toFixed(1))} min` : `${Math.round(ms / 1000)} s`;
}
