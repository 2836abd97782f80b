// (b) What the GPU monitor costs the machine: process CPU time (all threads: the sampling worker, the main
// thread receiving samples, V8's helpers) while the monitor samples, minus the same process idling for the same
// time. Measured in a separate plain-Node process running an esbuild bundle of the monitor (monitorOverheadChild):
// under tsx the process also carries tsx's loader thread and a worker heap holding the TypeScript transformer,
// whose garbage collections alone cost ~0.3 % of a core (measured) — the shipped engine runs bundled JS.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { machineInfo } from './machine';
import type { ChildArgs, ChildReport, Measurement } from './monitorOverheadChild';
import { describeTarget, type NvmlTarget } from './nvmlTarget';
import { table, type BenchResult } from './report';
import { fmt } from './stats';

const run = promisify(execFile);
const GOAL_PCT_AT_2000 = 0.05;
const INTERVALS_MS = [2000, 100];
/** The decomposition row: what a thread waking at the fast interval costs with no work at all. */
const BARE_TIMER_MS = 100;
/** Inside the ignored out/ folder, so the bundle resolves koffi from the repository's node_modules. */
const BUNDLE_DIR = new URL('../out/bench/', import.meta.url);

/**
 * The child and the monitor's worker as two bundles side by side: GpuMonitor finds its worker as
 * ./monitorWorker.js next to the file it was bundled into, as in the packaged app.
 */
async function bundle(): Promise<string> {
  const outdir = fileURLToPath(BUNDLE_DIR);
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: {
      monitorOverheadChild: fileURLToPath(new URL('./monitorOverheadChild.ts', import.meta.url)),
      monitorWorker: fileURLToPath(new URL('../electron/engine/memory/monitorWorker.ts', import.meta.url)),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['koffi'],
    logLevel: 'warning',
  });
  return `${outdir}monitorOverheadChild.js`;
}

export async function benchMonitorOverhead(quick: boolean, target: NvmlTarget): Promise<BenchResult> {
  const started = performance.now();
  const durationMs = quick ? 10_000 : 60_000;
  const child = await bundle();
  const args: ChildArgs = {
    durationMs,
    intervalsMs: INTERVALS_MS,
    bareTimerMs: BARE_TIMER_MS,
    adaptive: true,
    libraryPath: target.libraryPath,
  };
  // Six measurements, each after up to 45 s of settling: a generous bound that still ends a hung child.
  const timeout = 6 * (durationMs + 60_000);
  const { stdout } = await run(process.execPath, [child, JSON.stringify(args)], {
    timeout,
    env: process.env,
  });
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildReport;
  if (report.errors.length > 0)
    throw new Error(`the monitor reported probe errors: ${report.errors[0] ?? ''}`);
  const idle = report.runs.filter((m) => m.kind === 'idle');
  const pctOf = (m: Measurement): number => (m.cpuMs / m.wallMs) * 100;
  const baselinePct = idle.reduce((s, m) => s + pctOf(m), 0) / idle.length;
  const overheadPct = (m: Measurement): number => pctOf(m) - baselinePct;
  const byInterval = (ms: number): Measurement | undefined =>
    report.runs.find((m) => m.kind === 'monitor' && m.intervalMs === ms);
  const adaptive = report.runs.find((m) => m.label.includes('adaptive'));
  const bare = report.runs.find((m) => m.kind === 'bare-timer');
  const slow = byInterval(2000);
  const fast = byInterval(100);
  if (!slow || !fast) throw new Error('the child did not report both intervals');

  // Overhead CPU per sample taken (per wake-up for the bare timer).
  const perTick = (m: Measurement): string => {
    if (m.kind === 'idle' || m.samples === 0) return '–';
    const us = ((m.cpuMs - (baselinePct / 100) * m.wallMs) / m.samples) * 1000;
    return `${fmt(us)} µs${m.kind === 'bare-timer' ? ' / wake' : ''}`;
  };
  const rows = report.runs.map((m) => [
    m.label,
    fmt(m.wallMs / 1000),
    String(m.samples),
    fmt(m.cpuMs),
    `${fmt(pctOf(m))} %`,
    m.kind === 'idle' ? '–' : `${fmt(overheadPct(m))} %`,
    perTick(m),
    m.workerThreadMs === null ? '–' : `${fmt((m.workerThreadMs / m.wallMs) * 100)} %`,
    m.startupCpuMs === null ? '–' : `${fmt(m.startupCpuMs)} ms`,
  ]);
  const verdict = overheadPct(slow) < GOAL_PCT_AT_2000 ? 'meets' : 'MISSES';
  const markdown = [
    describeTarget(target),
    '',
    table(
      [
        'run',
        'wall s',
        'samples',
        'process CPU ms',
        'CPU % of one core',
        'overhead over idle',
        'per sample',
        'worker thread alone',
        'start-up CPU (once)',
      ],
      rows,
    ),
    '',
    `Idle baseline: ${fmt(baselinePct)} % of one core (mean of the two idle runs; their spread is the noise` +
      ' floor). Overhead = the run\'s process CPU % minus that baseline; "per sample" divides the overhead CPU time' +
      ' by the samples taken. "Worker thread alone" is the sampling thread\'s own CPU from' +
      ' /proc/self/task/<tid>/schedstat (no baseline needed); the rest of the overhead is the main thread receiving' +
      ' each sample. "Start-up CPU" is the process CPU from start() through the settling before the measurement' +
      ' (worker boot and the GCs that follow it; measuring starts after ≥ 20 s and 3 quiet seconds in a row).',
    `**At 2000 ms the monitor costs ${fmt(overheadPct(slow))} % of one core: ${verdict} the goal (< ${GOAL_PCT_AT_2000} %).**` +
      ` At 100 ms: ${fmt(overheadPct(fast))} %.` +
      (adaptive
        ? ` With adaptive sampling at a calm plateau (the engine's way: samples through the MemoryManager, which` +
          ` sets the interval): ${fmt(overheadPct(adaptive))} %, ${fmt(overheadPct(adaptive) / overheadPct(slow))}×` +
          ' the fixed 2 s (goal ≤ 1.5×; noise at this level is a few hundredths of a percent).'
        : '') +
      (bare
        ? ` A worker that only wakes every ${BARE_TIMER_MS} ms, doing nothing, already costs ${fmt(overheadPct(bare))} %` +
          ` here (${perTick(bare)}): on this machine (a VM) waking threads dominates the per-sample cost (each` +
          ' sample wakes the worker, then the main thread for the message), not the NVML read (a few µs, see (a)).'
        : '') +
      (target.nvml === 'stub'
        ? ' Measured with the stub NVML: each reading costs microseconds less than on a real driver (H100: memory' +
          ' 5–7 µs plus ~0.2 ms for the process lists, FACTS.md; at 2000 ms that adds ~0.01 % of a core).'
        : ''),
  ].join('\n');
  return {
    name: 'monitor',
    title: '(b) Monitor CPU overhead (GpuMonitor worker, NVML probe)',
    quick,
    machine: machineInfo(),
    seconds: (performance.now() - started) / 1000,
    params: {
      durationMs,
      intervalsMs: INTERVALS_MS,
      nvml: target.nvml,
      process: 'plain node, esbuild bundle',
    },
    data: {
      baselinePct,
      runs: report.runs,
      overheadPctAt2000: overheadPct(slow),
      overheadPctAt100: overheadPct(fast),
    },
    markdown,
  };
}
