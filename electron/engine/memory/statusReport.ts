import type { EngineStatus, GpuStatus } from '../../../shared/engineEvents';
import { usageOf, type GpuSample } from '../../../shared/gpuSample';
import type { Level } from '../../../shared/pressurePolicy';

/** The status block written to the log every report interval and printed by `swictation status`. */
export function formatStatusReport(s: EngineStatus): string {
  const many = s.gpus.length > 1;
  const onGpu = s.models.filter((m) => m.device === 'gpu');
  const offloaded = s.models.filter((m) => m.device === 'cpu');
  const where = (gpu: number | null) => (many && gpu !== null ? `GPU ${gpu}, ` : '');
  const gpuLines = many
    ? s.gpus.map((g) => `GPU ${g.index}:            ${figures(g)}, ${g.level}${strikesText(g)}`)
    : [`GPU:              ${s.gpu ? figures({ ...s, ...s.gpu }) : 'none (models run on the CPU)'}`];
  const lines = [
    '=== Swictation GPU memory status ===',
    `Level:            ${s.level}${many ? ' (the most pressed GPU)' : ''}`,
    ...gpuLines,
    `Probe:            ${s.probe.kind}${s.probe.ok ? '' : ` — FAILING: ${s.probe.error ?? 'unknown error'}`}`,
    `Models on GPU:    ${onGpu.length ? onGpu.map((m) => `${m.id} (${where(m.gpu)}${m.ep}, ${Math.round(m.vramMiB)} MiB)`).join(', ') : 'none'}`,
    `Models on CPU:    ${offloaded.length ? offloaded.map((m) => `${m.id} — ${m.reason}`).join('; ') : 'none'}`,
    `GPU errors:       ${s.gpuErrors.inWindow}/${s.gpuErrors.limit} in the last ${formatDuration(s.gpuErrors.windowMs)} (${s.gpuErrors.count} since the last Restore)`,
    `CPU fallback:     ${s.permanentCpu ? 'PERMANENT until Restore to GPU' : s.pinnedByUser ? 'pinned by the user until Restore to GPU' : 'no'}`,
  ];
  return lines.join('\n');
}

type Figures = Pick<
  GpuStatus,
  'name' | 'index' | 'usedMiB' | 'totalMiB' | 'usage' | 'freeMiB' | 'reservedMiB'
>;

function figures(g: Figures): string {
  const reserved = g.reservedMiB === null ? 'reserved n/a' : `${Math.round(g.reservedMiB)} MiB reserved`;
  return `${g.name} (GPU ${g.index}): ${Math.round(g.usedMiB)} / ${Math.round(g.totalMiB)} MiB used (${(g.usage * 100).toFixed(1)}%), ${Math.round(g.freeMiB)} MiB free, ${reserved}`;
}

function strikesText(g: GpuStatus): string {
  if (g.out) return ', OUT after repeated GPU errors';
  return g.strikes > 0 ? `, ${g.strikes} GPU error${g.strikes === 1 ? '' : 's'} in the window` : '';
}

/** One GPU's entry in the status, from its latest reading. */
export function gpuStatusOf(sample: GpuSample, level: Level, strikes = 0, out = false): GpuStatus {
  return {
    ...sample.gpu,
    level,
    usage: usageOf(sample),
    totalMiB: sample.totalMiB,
    usedMiB: sample.usedMiB,
    freeMiB: sample.freeMiB,
    reservedMiB: sample.reservedMiB,
    lastSampleAtMs: sample.atMs,
    strikes,
    out,
  };
}

/** 600000 → "10 min", 90000 → "1.5 min", 30000 → "30 s". */
export function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${Number((ms / 60_000).toFixed(1))} min` : `${Math.round(ms / 1000)} s`;
}
