// The measuring side of benchmark (b). It runs as a plain `node` process from an esbuild bundle (see
// monitorOverhead.ts), the way the packaged engine runs the monitor: no tsx loader thread, no TypeScript
// compiler in the worker's heap. Prints one JSON line: ChildReport.
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { GpuMonitor } from '../electron/engine/memory/gpuMonitor';
import { MemoryManager } from '../electron/engine/memory/memoryManager';
import { ModelHost } from '../electron/engine/models/modelHost';
import { wallClock } from '../electron/engine/runtime/clock';

export interface ChildArgs {
  durationMs: number;
  intervalsMs: number[];
  /** Also measure a worker that only wakes on a timer at this interval: the floor under any sampling thread. */
  bareTimerMs: number | null;
  /** Also measure the monitor driven by a MemoryManager with adaptive sampling (calm interval 2 s). */
  adaptive: boolean;
  libraryPath: string | undefined;
}

export interface Measurement {
  label: string;
  kind: 'idle' | 'monitor' | 'bare-timer';
  intervalMs: number | null;
  wallMs: number;
  cpuMs: number;
  /** The sampling thread's own CPU (Linux schedstat), or null where it cannot be read. */
  workerThreadMs: number | null;
  samples: number;
  /** Process CPU from start() until the measurement began (the worker's boot and settling). */
  startupCpuMs: number | null;
  settleS: number;
}

export interface ChildReport {
  runs: Measurement[];
  errors: string[];
}

/**
 * Before each measurement the process must be quiet. A new isolate keeps collecting its start-up garbage for
 * a while (V8's memory reducer: GC bursts of ~30 ms measured 5–20 s after a worker started): a one-time cost,
 * reported as start-up, not overhead. Quiet = at least SETTLE_MIN_MS, then SETTLE_WINDOWS 1 s windows in a row
 * whose CPU times agree (max ≤ 2 × min + 1 ms).
 */
const SETTLE_MIN_MS = 20_000;
const SETTLE_WINDOWS = 3;
const SETTLE_MAX_MS = 45_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

async function settle(): Promise<number> {
  const t0 = performance.now();
  await sleep(SETTLE_MIN_MS);
  const windows: number[] = [];
  while (performance.now() - t0 < SETTLE_MAX_MS) {
    const cpu = process.cpuUsage();
    await sleep(1000);
    windows.push(cpuMsSince(cpu));
    const last = windows.slice(-SETTLE_WINDOWS);
    if (last.length === SETTLE_WINDOWS && Math.max(...last) <= 2 * Math.min(...last) + 1) break;
  }
  return (performance.now() - t0) / 1000;
}

function tids(): Set<string> {
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return new Set(); // not Linux
  }
}

/** Nanoseconds on CPU of these threads (schedstat's first field), or null where it cannot be read. */
function threadCpuNs(threads: string[]): number | null {
  if (threads.length === 0) return null;
  let total = 0;
  for (const tid of threads) {
    try {
      total += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return null;
    }
  }
  return total;
}

async function measureIdle(durationMs: number, label: string): Promise<Measurement> {
  const settleS = await settle();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sleep(durationMs);
  const wallMs = performance.now() - t0;
  return {
    label,
    kind: 'idle',
    intervalMs: null,
    wallMs,
    cpuMs: cpuMsSince(cpu),
    workerThreadMs: null,
    samples: 0,
    startupCpuMs: null,
    settleS,
  };
}

/**
 * The engine's way: samples go to a MemoryManager (no models) whose adaptive sampling sets the monitor's interval,
 * from the calm 2 s up to 250 ms near a threshold. The stub GPU sits at a calm 26 %.
 */
function adaptiveManager(monitor: () => GpuMonitor): MemoryManager {
  const host = new ModelHost({
    factory: { create: () => Promise.reject(new Error('no models in this benchmark')) },
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(null),
    onPlacement: () => undefined,
    onGpuError: () => undefined,
  });
  return new MemoryManager({
    settings: DEFAULT_SETTINGS.memory,
    host,
    clock: wallClock,
    gpuAvailable: false,
    probeKind: 'nvml',
    requestSample: () => void monitor().sampleNow(),
    setSamplingInterval: (ms) => monitor().setInterval(ms),
    emit: () => undefined,
  });
}

async function measureMonitor(
  args: ChildArgs,
  intervalMs: number,
  errors: string[],
  adaptive = false,
): Promise<Measurement> {
  let samples = 0;
  const manager = adaptive ? adaptiveManager(() => monitor) : null;
  const monitor: GpuMonitor = new GpuMonitor({
    onSample: (s) => {
      samples++;
      manager?.onSample(s);
    },
    onError: (m) => errors.push(m),
  });
  const before = tids();
  const startupCpu = process.cpuUsage();
  // GpuMonitor unrefs its worker at once: without this, nothing would keep the process alive while it boots.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    await monitor.start({ probe: 'nvml', nvmlLibraryPath: args.libraryPath, pid: process.pid, intervalMs });
  } finally {
    clearInterval(keepAlive);
  }
  try {
    // Started after the snapshot: the worker's thread (the bundle loads no other thread-starting code).
    const worker = [...tids()].filter((t) => !before.has(t));
    const settleS = await settle();
    const startupCpuMs = cpuMsSince(startupCpu);
    const threadStart = threadCpuNs(worker);
    const samplesStart = samples;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await sleep(args.durationMs);
    const cpuMs = cpuMsSince(cpu);
    const wallMs = performance.now() - t0;
    const threadEnd = threadCpuNs(worker);
    return {
      label: adaptive
        ? `GpuMonitor + MemoryManager, adaptive (calm ${intervalMs} ms), calm plateau`
        : `GpuMonitor every ${intervalMs} ms`,
      kind: 'monitor',
      intervalMs,
      wallMs,
      cpuMs,
      workerThreadMs: threadStart !== null && threadEnd !== null ? (threadEnd - threadStart) / 1e6 : null,
      samples: samples - samplesStart,
      startupCpuMs,
      settleS,
    };
  } finally {
    await monitor.stop();
  }
}

/** A worker that wakes every `intervalMs` and does nothing else: what waking a thread costs on this machine. */
const BARE_TIMER = `
const { workerData } = require('node:worker_threads');
const tick = () => setTimeout(tick, workerData.intervalMs);
tick();`;

async function measureBareTimer(args: ChildArgs, intervalMs: number): Promise<Measurement> {
  const before = tids();
  const startupCpu = process.cpuUsage();
  const worker = new Worker(BARE_TIMER, { eval: true, workerData: { intervalMs } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('online', resolve);
      worker.once('error', reject);
    });
    const thread = [...tids()].filter((t) => !before.has(t));
    const settleS = await settle();
    const startupCpuMs = cpuMsSince(startupCpu);
    const threadStart = threadCpuNs(thread);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await sleep(args.durationMs);
    const cpuMs = cpuMsSince(cpu);
    const wallMs = performance.now() - t0;
    const threadEnd = threadCpuNs(thread);
    return {
      label: `bare worker timer every ${intervalMs} ms (no probe, no messages)`,
      kind: 'bare-timer',
      intervalMs,
      wallMs,
      cpuMs,
      workerThreadMs: threadStart !== null && threadEnd !== null ? (threadEnd - threadStart) / 1e6 : null,
      samples: Math.round(wallMs / intervalMs),
      startupCpuMs,
      settleS,
    };
  } finally {
    await worker.terminate();
  }
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  const errors: string[] = [];
  const runs: Measurement[] = [await measureIdle(args.durationMs, 'idle (before)')];
  for (const interval of args.intervalsMs) runs.push(await measureMonitor(args, interval, errors));
  if (args.adaptive) runs.push(await measureMonitor(args, 2000, errors, true));
  if (args.bareTimerMs !== null) runs.push(await measureBareTimer(args, args.bareTimerMs));
  runs.push(await measureIdle(args.durationMs, 'idle (after)'));
  process.stdout.write(`${JSON.stringify({ runs, errors } satisfies ChildReport)}\n`);
}

await main();
