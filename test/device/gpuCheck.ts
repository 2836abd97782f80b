/**
 * The GPU machine check: one script that exercises what cannot be tested without a real GPU.
 *
 *   bash test/device/pack.sh                       # here: a lean .device-bundle/ (production dependencies only)
 *   source .device-bundle/bootstrap.sh && ESBUILD_BINARY_PATH=$PWD/node_modules/esbuild/bin/esbuild \
 *     node --import tsx test/device/gpuCheck.ts   # there, with carry [".device-bundle"]
 *
 * tsx needs esbuild's binary. The bundles leave out node_modules/@esbuild/*, where esbuild's JS API looks for it;
 * node_modules/esbuild/bin/esbuild is the same binary, hence ESBUILD_BINARY_PATH. Last run (H100, 17/17 checks
 * passed): bench/results/device/.
 *
 * 1. NVML through koffi: devices, the memory v2 fields, the per-sample cost, the process list (vs nvidia-smi).
 * 2. The execution providers: which GPU provider runs here (webgpu through Dawn/Vulkan expected).
 * 3. Levels through EMERGENCY and back: the engine's wiring (GpuMonitor on NVML + MemoryManager + ModelHost on
 *    real ORT sessions) while ballast.py takes 50/82/92/97/55 % of the device; every level event and placement.
 * 4. Offload and restore with real VRAM deltas (NVML free before/after), cold and with a pre-warmed standby.
 * 5. `swictation stress` for real: ballast sessions through the app's own GPU provider up to usage + 3 points.
 * 6. A forced real out-of-memory: ballast leaves 700 MiB free, the model is run on the GPU; expected: a GPU
 *    error, the request retried on the CPU, the result equal to the CPU's.
 * 7. The fixture speech models (tiny CTC, tiny TDT) on the GPU provider vs the CPU: same transcripts and the
 *    latency ratio (runs right after section 2, before the ballast sections).
 *
 * Output lines are tagged [measured] (read from the machine now), [assumed] (taken from FACTS.md or the design,
 * not checked here) or [check] (a verdict). Logs go under $OUT when set: gpuCheck.log, events.jsonl,
 * summary.json. A watchdog thread ends the process (and the ballast) at the deadline even while ORT blocks the
 * main thread in a session creation.
 *
 * Env: GPUCHECK_DEADLINE_S (240), GPUCHECK_LAYERS (24 → a 1.5 GiB model), GPUCHECK_PYTHON (python3),
 * GPUCHECK_NVML_LIB (another libnvidia-ml; the test stub gives a dry run of sections 1–2 without a GPU).
 * Exit: 0 every check passed, 1 a check failed, 2 no NVIDIA GPU here, 137 (SIGKILL) the deadline passed.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { EngineEvent } from '../../shared/engineEvents';
import { usageOf, type GpuSample } from '../../shared/gpuSample';
import { memorySettingsSchema } from '../../shared/settings';
import { GpuMonitor } from '../../electron/engine/memory/gpuMonitor';
import type { MemoryManager } from '../../electron/engine/memory/memoryManager';
import { createMemoryStack } from '../../electron/engine/memory/memoryStack';
import type { GpuProbe } from '../../electron/engine/memory/probes/gpuProbe';
import { readNvidiaSmi } from '../../electron/engine/memory/probes/nvidiaSmi';
import { openNvmlProbe } from '../../electron/engine/memory/probes/nvmlProbe';
import { probeExecutionProviders, type GpuEp } from '../../electron/engine/models/executionProviders';
import { classifyGpuError } from '../../electron/engine/models/gpuErrors';
import { ModelHost, type HostGpuError } from '../../electron/engine/models/modelHost';
import { createHostedSessionFactory } from '../../electron/engine/models/sessionHost';
import type { Feeds, ModelSpec, Outputs } from '../../electron/engine/models/session';
import { wallClock } from '../../electron/engine/runtime/clock';
import { realStressDeps, stressCommand } from '../../electron/engine/cli/commands/stress';
import { writeDenseModel } from '../fixtures/denseModel';
import { memorySource } from '../../electron/engine/audio/memorySource';
import { SileroVad } from '../../electron/engine/audio/sileroVad';
import { segmentStream } from '../../electron/engine/audio/vadSegmenter';
import { readWav } from '../../electron/engine/audio/wavFile';
import { loadRecognizer, type LoadedRecognizer } from '../../electron/engine/stt/loadRecognizer';

// ---------------------------------------------------------------- configuration

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = process.env['OUT'] ?? null;
const DEADLINE_S = Number(process.env['GPUCHECK_DEADLINE_S'] ?? 240);
const LAYERS = Number(process.env['GPUCHECK_LAYERS'] ?? 24);
const PYTHON = process.env['GPUCHECK_PYTHON'] ?? 'python3';
/** Another libnvidia-ml (an unusual install, or the test stub for a dry run of sections 1–2 without a GPU). */
const NVML_LIB = process.env['GPUCHECK_NVML_LIB'] || undefined;
const LEVEL_SCHEDULE = '50:3,82:3,92:3,97:3,55:3';
const OOM_FREE_MIB = 700;
const RELEASE_FILE = '/tmp/release'; // ballast.py's fixed release signal
const MODEL_PATH = join(tmpdir(), 'gpucheck-big.onnx');
const MONITOR_INTERVAL_MS = 200;
const ROWS = 4; // batch rows of the model's input
const T0 = Date.now();

// ---------------------------------------------------------------- output

type Status = 'pass' | 'fail' | 'warn' | 'skip';
interface Check {
  name: string;
  status: Status;
  detail: string;
}
const checks: Check[] = [];
const figures: Record<string, unknown> = {};

if (OUT !== null) mkdirSync(OUT, { recursive: true });

function stamp(): string {
  return `${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s`;
}

function say(line: string): void {
  const text = `${stamp()} ${line}`;
  process.stdout.write(`${text}\n`);
  if (OUT !== null) appendFileSync(join(OUT, 'gpuCheck.log'), `${text}\n`);
}

function section(title: string): void {
  say('');
  say(`== ${title}`);
  watchdog.postMessage({ phase: title });
}

function measured(label: string, value: unknown): void {
  figures[label] = value;
  say(`  [measured] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

function assumed(text: string): void {
  say(`  [assumed]  ${text}`);
}

function check(name: string, status: Status, detail: string): void {
  checks.push({ name, status, detail });
  say(`  [check]    ${status.toUpperCase().padEnd(4)} ${name}: ${detail}`);
}

function record(kind: string, payload: unknown): void {
  if (OUT === null) return;
  appendFileSync(join(OUT, 'events.jsonl'), `${JSON.stringify({ t: Date.now(), kind, payload })}\n`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

const mib = (v: number): string => `${Math.round(v)} MiB`;
/** A wall time as seconds since the script started. */
const secs = (t: number): string => `${((t - T0) / 1000).toFixed(1)}s`;
const ms = (v: number): string => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

// ---------------------------------------------------------------- never hang

/**
 * A thread with its own timer: ORT creates sessions synchronously on the main thread, so a main-thread timer
 * could not fire during a hung creation. At the deadline it kills the ballast children and then this process.
 */
const WATCHDOG = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const children = new Set();
let phase = 'start';
parentPort.on('message', (m) => {
  if (m.phase) phase = m.phase;
  if (m.child) children.add(m.child);
  if (m.exited) children.delete(m.exited);
});
setTimeout(() => {
  fs.writeSync(2, 'gpuCheck: deadline of ' + workerData.seconds + ' s passed during "' + phase + '": killing the ballast and this process\\n');
  try { fs.writeFileSync(workerData.release, ''); } catch {}
  for (const pid of children) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.kill(process.pid, 'SIGKILL');
}, workerData.seconds * 1000);
`;
const watchdog = new Worker(WATCHDOG, {
  eval: true,
  workerData: { seconds: DEADLINE_S, release: RELEASE_FILE },
});
watchdog.unref();

function withTimeout<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not finish within ${limitMs} ms`));
    }, limitMs);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const sleep = (t: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, t));

async function waitFor(predicate: () => boolean, limitMs: number): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await sleep(100);
  }
  return predicate();
}

// ---------------------------------------------------------------- child processes (python helpers)

interface Child {
  pid: number;
  lines: { t: number; line: string }[];
  exited: Promise<number | null>;
  kill: () => void;
}

function helperPath(name: string): string | null {
  for (const dir of [join(REPO, '.device-bundle'), join(REPO, '../shared/device')]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * A python helper in its own process group under coreutils `timeout`: however this process ends (even killed
 * by the watchdog), a ballast cannot outlive its bound and keep the GPU's memory. Killing means killing the
 * group, so `timeout` and python go together.
 */
function startChild(args: string[], label: string, limitS: number, onLine?: (line: string) => void): Child {
  const child = spawn('timeout', ['--signal=KILL', String(limitS), PYTHON, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: { t: number; line: string }[] = [];
  const pid = child.pid ?? -1;
  if (pid > 0) watchdog.postMessage({ child: pid });
  const take = (stream: NodeJS.ReadableStream, tag: string): void => {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push({ t: Date.now(), line });
      record(label, { stream: tag, line });
      say(`  ${label}${tag === 'stderr' ? ' (stderr)' : ''}: ${line}`);
      onLine?.(line);
    });
  };
  take(child.stdout, 'stdout');
  take(child.stderr, 'stderr');
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      say(`  ${label}: could not start timeout/${PYTHON}: ${error.message}`);
      resolve(null);
    });
    child.on('exit', (code) => {
      watchdog.postMessage({ exited: pid });
      resolve(code);
    });
  });
  const kill = (): void => {
    try {
      if (pid > 0) process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return { pid, lines, exited, kill };
}

async function runChild(args: string[], label: string, limitMs: number): Promise<number | null> {
  const child = startChild(args, label, Math.ceil(limitMs / 1000) + 5);
  try {
    return await withTimeout(child.exited, limitMs, label);
  } catch (error) {
    child.kill();
    throw error;
  }
}

// ---------------------------------------------------------------- model

interface Model {
  spec: ModelSpec;
  width: number;
  source: string;
}

async function makeModel(): Promise<Model> {
  const sizeMiB = LAYERS * 64;
  const spec: ModelSpec = { id: 'big', role: 'stt', path: MODEL_PATH, sizeMiB, prefer: 'gpu' };
  const gen = helperPath('gen_big.py');
  if (gen !== null) {
    try {
      const code = await runChild([gen, MODEL_PATH, String(LAYERS)], 'gen_big', 120_000);
      if (code === 0) return { spec, width: 4096, source: `gen_big.py (${LAYERS} × 4096² fp32, ReLU)` };
      say(`  gen_big.py exited ${code ?? 'without starting'}; writing the model from JS instead`);
    } catch (error) {
      say(`  gen_big.py failed (${errorText(error)}); writing the model from JS instead`);
    }
  }
  const written = await writeDenseModel(MODEL_PATH, sizeMiB);
  return {
    spec: { ...spec, sizeMiB: written.bytes / 2 ** 20 },
    width: written.width,
    source: `writeDenseModel (${written.layers} × ${written.width}², tanh)`,
  };
}

function feedsFor(model: Model): Feeds {
  const x = Float32Array.from({ length: ROWS * model.width }, (_, i) => ((i * 7919) % 2000) / 1000 - 1);
  return { x: new ort.Tensor('float32', x, [ROWS, model.width]) };
}

function outputOf(outputs: Outputs): Float32Array {
  const first = Object.values(outputs)[0];
  const data = first?.data;
  if (!(data instanceof Float32Array)) throw new Error('the model returned no float32 output');
  return data;
}

/** Largest difference relative to the reference's largest magnitude (0 for identical arrays). */
function relativeDiff(a: Float32Array, ref: Float32Array): number {
  if (a.length !== ref.length) return Infinity;
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(ref[i] ?? 0));
    maxDiff = Math.max(maxDiff, Math.abs((a[i] ?? 0) - (ref[i] ?? 0)));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------- 1. NVML

function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

async function checkNvml(probe: GpuProbe): Promise<void> {
  section('1. NVML (koffi, in-process)');
  measured(
    'devices',
    probe.devices().map((d) => `${d.index}: ${d.name} ${d.uuid} ${mib(d.totalMiB)}`),
  );
  const s = probe.sample(Date.now());
  measured('memory', {
    totalMiB: s.totalMiB,
    freeMiB: s.freeMiB,
    usedMiB: s.usedMiB,
    reservedMiB: s.reservedMiB,
    usage: usageOf(s),
  });
  measured(
    'memory struct',
    s.reservedMiB === null ? 'v1 (driver refused v2: no reserved figure)' : 'v2 (reserved reported)',
  );
  measured(
    'processes',
    s.topProcesses.map((p) => `${p.pid} ${p.name} ${p.usedMiB === null ? 'n/a' : mib(p.usedMiB)}`),
  );
  check(
    'NVML memory v2',
    s.reservedMiB === null ? 'warn' : 'pass',
    s.reservedMiB === null ? 'fell back to v1' : `reserved ${mib(s.reservedMiB)}`,
  );

  const costs: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    probe.sample(Date.now());
    costs.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  measured('probe.sample() cost (memory + both process lists), µs', {
    median: quantile(costs, 0.5),
    p95: quantile(costs, 0.95),
    n: costs.length,
  });
  assumed('FACTS.md (H100, driver 580): nvmlDeviceGetMemoryInfo 5–7 µs, process lists ~0.2 ms');

  try {
    const smiMs: number[] = [];
    let smi = await readNvidiaSmi(String(s.gpu.index));
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      smi = await readNvidiaSmi(String(s.gpu.index));
      smiMs.push(performance.now() - t0);
    }
    measured('nvidia-smi', { ...smi, medianMs: quantile(smiMs, 0.5) });
    const ratio = (quantile(smiMs, 0.5) * 1000) / quantile(costs, 0.5);
    measured('nvidia-smi / NVML cost ratio (medians)', Math.round(ratio));
    check(
      'NVML agrees with nvidia-smi',
      Math.abs(smi.totalMiB - s.totalMiB) <= 1 ? 'pass' : 'fail',
      `total ${mib(s.totalMiB)} vs ${mib(smi.totalMiB)}`,
    );
  } catch (error) {
    check('NVML agrees with nvidia-smi', 'warn', `nvidia-smi unavailable: ${errorText(error)}`);
  }
}

// ---------------------------------------------------------------- 2. execution providers

async function checkProviders(): Promise<GpuEp | null> {
  section('2. Execution providers');
  const report = await withTimeout(probeExecutionProviders(), 60_000, 'probeExecutionProviders');
  for (const r of report.results) {
    measured(`ep ${r.ep}`, r.ok ? `ok in ${ms(r.ms)}` : `failed in ${ms(r.ms)}: ${firstLine(r.error ?? '')}`);
  }
  assumed('cuda is not bundled in onnxruntime-node 1.30 (FACTS.md): its failure here is expected');
  check(
    'a GPU execution provider runs',
    report.gpuEp === null ? 'fail' : 'pass',
    report.gpuEp ?? 'none: the GPU checks below are skipped',
  );
  return report.gpuEp;
}

// ---------------------------------------------------------------- 3. levels through EMERGENCY and back

interface Timed<E> {
  t: number;
  e: E;
}

async function checkLevels(model: Model, gpuEp: GpuEp, ballast: string): Promise<void> {
  section(
    `3. Levels through EMERGENCY and back (ballast ${LEVEL_SCHEDULE}, sampling every ${MONITOR_INTERVAL_MS} ms)`,
  );
  const events: Timed<EngineEvent>[] = [];
  const samples: Timed<GpuSample>[] = [];
  const emit = (e: EngineEvent): void => {
    const t = Date.now();
    record('engine', e);
    if (e.type === 'sample') {
      // When it was read (on the worker), not when the main thread got to it: the main thread blocks while
      // ORT creates a session, and samples wait in the queue meanwhile.
      samples.push({ t: e.sample.atMs, e: e.sample });
      return;
    }
    events.push({ t, e });
    const readAt = e.type === 'level' ? samples.at(-1)?.t : undefined;
    say(
      `  engine: ${describe(e)}${readAt === undefined ? '' : ` (read at ${secs(readAt)}, handled ${t - readAt} ms later)`}`,
    );
  };
  const settings = memorySettingsSchema.parse({
    intervalMs: MONITOR_INTERVAL_MS,
    recoveryDwellMs: 1500,
    cooldownMs: 30_000,
  });
  let manager: MemoryManager | null = null;
  const monitor = new GpuMonitor({
    onSample: (s) => manager?.onSample(s),
    onError: (message) => manager?.onProbeError(message),
  });
  const ready = await withTimeout(
    monitor.start({
      probe: 'nvml',
      nvmlLibraryPath: NVML_LIB,
      pid: process.pid,
      intervalMs: MONITOR_INTERVAL_MS,
    }),
    30_000,
    'GpuMonitor start',
  );
  const stack = createMemoryStack({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    settings,
    gpuAvailable: true,
    probeKind: ready.kind,
    readings: {
      readFreeMiB: async () => (await monitor.sampleNow())?.freeMiB ?? null,
      requestSample: (afterMs) => void wallClock.setTimeout(() => void monitor.sampleNow(), afterMs),
    },
    emit,
  });
  const { host } = stack;
  manager = stack.manager;
  const mgr = manager;
  try {
    await withTimeout(monitor.sampleNow(), 10_000, 'first sample');
    await withTimeout(mgr.load(model.spec), 120_000, 'loading the model');
    const loaded = host.view('big');
    measured('model placement', `${loaded.device} (${loaded.ep}): ${loaded.reason}`);
    measured(
      'model VRAM (NVML free before/after the load)',
      loaded.measured ? mib(loaded.estimateMiB) : 'not measured',
    );
    if (loaded.device !== 'gpu') {
      check('levels through EMERGENCY', 'skip', `the model did not load on the GPU: ${loaded.reason}`);
      return;
    }
    const feeds = feedsFor(model);
    await host.run('big', feeds); // shaders compile on the first run
    const run = await timed(() => host.run('big', feeds));
    measured(`run on ${run.value.ep} (${ROWS} rows)`, ms(run.ms));

    const child = startChild([ballast, LEVEL_SCHEDULE], 'ballast', 150);
    const code = await withTimeout(child.exited, 150_000, 'ballast schedule').catch((error: unknown) => {
      child.kill();
      throw error;
    });
    measured('ballast exit code', code);
    const back = await waitFor(() => mgr.level === 'NORMAL' && host.view('big').device === 'gpu', 30_000);
    await withTimeout(mgr.idle(), 60_000, 'manager idle');

    const levels = events.filter((x) => x.e.type === 'level');
    measured(
      'level sequence',
      levels.map((x) => (x.e.type === 'level' ? `${x.e.to}@${secs(x.t)}` : '')).join(' → '),
    );
    const ballastAt = child.lines.filter((l) => l.line.startsWith('BALLAST at'));
    measured(
      'ballast steps (printed once reached)',
      ballastAt.map((l) => `${l.line.split(' t=')[0] ?? l.line}@${secs(ballastTime(l))}`).join(', '),
    );
    const offload = events.find((x) => x.e.type === 'placement' && x.e.to === 'cpu');
    const sawEmergency = levels.some((x) => x.e.type === 'level' && x.e.to === 'EMERGENCY');
    check('levels reached EMERGENCY', sawEmergency ? 'pass' : 'fail', `${levels.length} level events`);
    const placed = offload?.e;
    if (offload && placed?.type === 'placement') {
      const movedFrom = offload.t - placed.ms;
      const before = [...samples].reverse().find((s) => s.t < movedFrom);
      const after = samples.find((s) => s.t > offload.t);
      const freed = before && after ? before.e.usedMiB - after.e.usedMiB : null;
      measured('offload (EMERGENCY)', {
        reason: placed.reason,
        moveMs: Math.round(placed.ms),
        vramFreedMiB: freed === null ? null : Math.round(freed),
      });
      check(
        'EMERGENCY moved the model to the CPU',
        /EMERGENCY/.test(placed.reason) ? 'pass' : 'warn',
        `${placed.reason} in ${ms(placed.ms)}`,
      );
    } else {
      check('EMERGENCY moved the model to the CPU', 'fail', 'no placement to the CPU');
    }
    for (const x of events) {
      if (x.e.type === 'action')
        measured(`action ${x.e.name} (${x.e.level})`, `${ms(x.e.ms)} ${x.e.detail ?? ''}`);
    }
    check(
      'back to NORMAL with the model on the GPU',
      back ? 'pass' : 'fail',
      `level ${mgr.level}, model on ${host.view('big').device}`,
    );
    const delays = detectionDelays(samples, child.lines);
    if (delays.length > 0)
      measured(
        'first sample at each ballast level, after the ballast print (ms; < 0: seen while it was still allocating)',
        delays,
      );
  } finally {
    await monitor.stop();
    await host.releaseAll();
  }
}

/** The time ballast.py printed in the line (its own clock: `t=` epoch seconds), else when the line arrived. */
function ballastTime(l: { t: number; line: string }): number {
  const m = / t=([\d.]+)/.exec(l.line);
  return m ? Math.round(Number(m[1]) * 1000) : l.t;
}

/**
 * For each "BALLAST at P%" print, when the monitor first read usage within 1 point of P, relative to the print
 * (both on the machine's wall clock; negative: read while the ballast was still allocating).
 */
function detectionDelays(samples: Timed<GpuSample>[], lines: { t: number; line: string }[]): string[] {
  const out: string[] = [];
  let from = 0;
  for (const l of lines) {
    const m = /^BALLAST at ([\d.]+)%/.exec(l.line);
    if (!m) continue;
    const pct = Number(m[1]) / 100;
    const i = samples.findIndex((s, k) => k >= from && Math.abs(usageOf(s.e) - pct) <= 0.01);
    if (i < 0) continue;
    from = i;
    out.push(`${m[1] ?? '?'}%: ${(samples[i] as Timed<GpuSample>).t - ballastTime(l)}`);
  }
  return out;
}

function describe(e: EngineEvent): string {
  switch (e.type) {
    case 'level':
      return `level ${e.from} → ${e.to} at ${(e.usage * 100).toFixed(1)}%`;
    case 'placement':
      return `placement ${e.model} ${e.from ?? 'none'} → ${e.to} in ${ms(e.ms)}: ${e.reason}`;
    case 'action':
      return `action ${e.name} (${e.level}) ${ms(e.ms)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'gpu-error':
      return `gpu-error ${e.kind} ${e.count}/${e.limit} ${firstLine(e.message)}`;
    default:
      return JSON.stringify(e);
  }
}

// ---------------------------------------------------------------- 4. offload and restore with real VRAM

async function checkOffloadRestore(
  model: Model,
  gpuEp: GpuEp,
  probe: GpuProbe,
): Promise<Float32Array | null> {
  section('4. Offload and restore with real VRAM deltas (NVML free before/after)');
  const free = (): number => probe.sample(Date.now()).freeMiB;
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(free()),
    onPlacement: () => undefined,
    onGpuError: (e) => say(`  gpu error: ${e.kind} ${firstLine(e.message)}`),
  });
  const feeds = feedsFor(model);
  const rows: Record<string, { ms: number; vramDeltaMiB: number }> = {};
  const step = async (name: string, fn: () => Promise<unknown>): Promise<number> => {
    const before = free();
    const { ms: took } = await timed(() => withTimeout(fn(), 120_000, name));
    const delta = before - free(); // > 0: VRAM taken, < 0: VRAM freed
    rows[name] = { ms: Math.round(took), vramDeltaMiB: Math.round(delta) };
    measured(name, `${ms(took)}, VRAM ${delta >= 0 ? '+' : ''}${Math.round(delta)} MiB`);
    return delta;
  };
  try {
    const free0 = free();
    const taken = await step('load on GPU', () => host.add(model.spec, 'gpu', 'check'));
    await host.run('big', feeds);
    const gpuRun = await timed(() => host.run('big', feeds));
    const gpuOut = outputOf(gpuRun.value.outputs);
    measured(`run on ${gpuRun.value.ep}`, ms(gpuRun.ms));
    const coldFreed = -(await step('offload, no standby (creates the CPU session)', () =>
      host.move('big', 'cpu', 'check: cold offload'),
    ));
    const cpuRun = await timed(() => host.run('big', feeds));
    const cpuOut = outputOf(cpuRun.value.outputs);
    measured('run on cpu', ms(cpuRun.ms));
    const diff = relativeDiff(gpuOut, cpuOut);
    measured('GPU vs CPU output, max difference relative to max |y|', diff);
    await step('restore to GPU', () => host.move('big', 'gpu', 'check: restore'));
    await step('pre-warm CPU standby', () => host.prewarmCpuStandby('big'));
    const warmFreed = -(await step('offload to the standby', () =>
      host.move('big', 'cpu', 'check: standby offload'),
    ));
    await host.releaseAll();
    measured('VRAM left after releasing everything (vs before the load)', mib(free0 - free()));
    assumed('FACTS.md: a Dawn context keeps ~26 MiB after its sessions are released');
    figures['offloadRestore'] = rows;

    check(
      'a GPU load takes VRAM',
      taken >= 0.8 * model.spec.sizeMiB ? 'pass' : 'fail',
      `${mib(taken)} for ${mib(model.spec.sizeMiB)} of weights`,
    );
    check('a cold offload frees it', coldFreed >= 0.8 * taken ? 'pass' : 'fail', `${mib(coldFreed)} freed`);
    check(
      'an offload to the standby frees it',
      warmFreed >= 0.8 * taken ? 'pass' : 'fail',
      `${mib(warmFreed)} freed`,
    );
    const cold = rows['offload, no standby (creates the CPU session)']?.ms ?? NaN;
    const warm = rows['offload to the standby']?.ms ?? NaN;
    check(
      'the standby makes the offload faster',
      warm < cold ? 'pass' : 'fail',
      `${warm} ms vs ${cold} ms cold`,
    );
    check(
      'GPU and CPU agree',
      diff <= 1e-3 ? 'pass' : 'fail',
      `relative difference ${diff.toExponential(2)}`,
    );
    return cpuOut;
  } finally {
    await host.releaseAll();
  }
}

// ---------------------------------------------------------------- 6. a forced real out-of-memory

async function checkOom(
  model: Model,
  gpuEp: GpuEp,
  probe: GpuProbe,
  ballast: string,
  cpuRef: Float32Array | null,
): Promise<void> {
  section(`6. Forced out-of-memory (ballast leaves ${OOM_FREE_MIB} MiB free)`);
  rmSync(RELEASE_FILE, { force: true });
  let ready = false;
  const child = startChild([ballast, `free=${OOM_FREE_MIB}`], 'ballast', 240, (line) => {
    if (line.startsWith('BALLAST READY')) ready = true;
  });
  const errors: HostGpuError[] = [];
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(probe.sample(Date.now()).freeMiB),
    onPlacement: (p) => say(`  placement ${p.from ?? 'none'} → ${p.to} in ${ms(p.ms)}: ${p.reason}`),
    onGpuError: (e) => errors.push(e),
  });
  try {
    if (!(await waitFor(() => ready, 120_000))) {
      check('forced out-of-memory', 'fail', 'the ballast did not report READY within 120 s');
      return;
    }
    measured('free VRAM with the ballast', mib(probe.sample(Date.now()).freeMiB));
    let creationError: string | null = null;
    try {
      const created = await timed(() =>
        withTimeout(host.add(model.spec, 'gpu', 'check: under pressure'), 120_000, 'GPU load'),
      );
      measured('GPU session creation with too little VRAM', `succeeded in ${ms(created.ms)}`);
    } catch (error) {
      creationError = errorText(error);
      measured(
        'GPU session creation with too little VRAM',
        `failed: ${firstLine(creationError)} (${classifyGpuError(creationError)})`,
      );
      await host.add(model.spec, 'cpu', 'check: GPU load failed');
    }
    const result = await withTimeout(host.run('big', feedsFor(model)), 120_000, 'run under pressure');
    measured(
      'run under pressure',
      `served on ${result.device} (${result.ep}), retried on CPU: ${result.retriedOnCpu}`,
    );
    for (const e of errors) measured('GPU error seen by the run', `${e.kind}: ${firstLine(e.message)}`);
    assumed(
      'Dawn prints "vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY" on stderr (see the console, not captured here)',
    );
    const kinds = [
      ...errors.map((e) => e.kind),
      ...(creationError === null ? [] : [classifyGpuError(creationError)]),
    ];
    check(
      'the out-of-memory surfaced as a GPU error classified oom',
      kinds.includes('oom') ? 'pass' : kinds.length > 0 ? 'warn' : 'fail',
      kinds.length > 0 ? kinds.join(', ') : 'no GPU error: the model ran on the GPU despite the ballast',
    );
    check(
      'the request was served on the CPU',
      result.device === 'cpu' && (result.retriedOnCpu || creationError !== null) ? 'pass' : 'fail',
      `device ${result.device}, retried ${result.retriedOnCpu}`,
    );
    if (cpuRef !== null) {
      const diff = relativeDiff(outputOf(result.outputs), cpuRef);
      check(
        'the retried result equals the CPU result',
        diff === 0 ? 'pass' : diff <= 1e-6 ? 'warn' : 'fail',
        `relative difference ${diff}`,
      );
    }
  } finally {
    writeFileSync(RELEASE_FILE, '');
    await withTimeout(child.exited, 30_000, 'ballast release').catch(() => child.kill());
    rmSync(RELEASE_FILE, { force: true });
    await host.releaseAll();
  }
}

// ---------------------------------------------------------------- 5. swictation stress

async function checkStress(probe: GpuProbe): Promise<void> {
  const start = usageOf(probe.sample(Date.now()));
  const target = Math.min(0.97, start + 0.03);
  section(
    `5. swictation stress --to ${target.toFixed(3)} --hold 1s (ballast ONNX sessions on the GPU provider)`,
  );
  // A box, not a `let`: TypeScript does not see the assignment inside the callback.
  const observed: { held: number | null } = { held: null };
  const real = realStressDeps();
  const code = await withTimeout(
    stressCommand(
      { values: { to: target.toFixed(3), hold: '1s' }, positionals: [] },
      {
        ...real,
        hold: (t, signal) => {
          observed.held = usageOf(probe.sample(Date.now()));
          return real.hold(t, signal);
        },
        out: (line) => say(`  ${line}`),
        err: (line) => say(`  (stderr) ${line}`),
      },
    ),
    120_000,
    'stress',
  );
  const after = usageOf(probe.sample(Date.now()));
  const held = observed.held;
  measured('stress', { exitCode: code, startUsage: start, heldUsage: held, afterUsage: after });
  check(
    'stress reaches its target and releases it',
    code === 0 && held !== null && held >= target - 0.002 && after < target - 0.01 ? 'pass' : 'fail',
    `exit ${code}, held at ${held === null ? 'never' : (held * 100).toFixed(1)}% for a target of ${(target * 100).toFixed(1)}%, ${(after * 100).toFixed(1)}% after`,
  );
}

// ---------------------------------------------------------------- 7. speech on the GPU

const FIXTURE_AUDIO = join(REPO, 'test/fixtures/audio');

/** The fixture speech models on the GPU provider vs the CPU: same transcripts, and the latency ratio. */
async function checkSpeech(gpuEp: GpuEp): Promise<void> {
  section(`7. Fixture speech models on ${gpuEp} vs the CPU (same utterances, same decoder)`);
  const utterances = await fixtureUtterances();
  measured(
    'utterances',
    `${utterances.length} (held-out WAVs + ten-utterances.wav, segmented by Silero VAD on the CPU)`,
  );
  for (const name of ['tiny-ctc', 'tiny-tdt']) {
    const recognizer = await loadRecognizer(join(REPO, 'test/fixtures/models', name));
    const cpu = await transcribeAll(recognizer, null, utterances);
    const gpu = await transcribeAll(recognizer, gpuEp, utterances);
    const same = cpu.texts.filter((t, i) => t === gpu.texts[i]).length;
    const cpuMs = quantile(cpu.ms, 0.5);
    const gpuMs = quantile(gpu.ms, 0.5);
    measured(
      `${name} transcripts`,
      `cpu ${JSON.stringify(cpu.texts.slice(0, 3))}…, gpu ${JSON.stringify(gpu.texts.slice(0, 3))}…`,
    );
    measured(`${name} placement`, `cpu run on ${cpu.where}, gpu run on ${gpu.where}`);
    measured(
      `${name} median recognize per utterance`,
      `cpu ${cpuMs.toFixed(2)} ms, ${gpuEp} ${gpuMs.toFixed(2)} ms: ${gpuEp}/cpu = ${(gpuMs / cpuMs).toFixed(2)}× (p95 cpu ${quantile(cpu.ms, 0.95).toFixed(2)} ms, ${gpuEp} ${quantile(gpu.ms, 0.95).toFixed(2)} ms)`,
    );
    figures[`speech.${name}`] = {
      same,
      n: utterances.length,
      cpuMs,
      gpuMs,
      ratio: gpuMs / cpuMs,
      gpuWhere: gpu.where,
    };
    check(
      `${name}: ${gpuEp} transcripts equal the CPU's`,
      same === utterances.length && gpu.where.includes('@gpu/') && !gpu.where.includes('retried')
        ? 'pass'
        : 'fail',
      `${same}/${utterances.length} equal; the GPU run's sessions: ${gpu.where}`,
    );
  }
}

async function fixtureUtterances(): Promise<Float32Array[]> {
  const files = [
    'heldout-1.wav',
    'heldout-2.wav',
    'heldout-3.wav',
    'heldout-4.wav',
    'heldout-5.wav',
    'heldout-6.wav',
    'ten-utterances.wav',
  ];
  const vad = await SileroVad.create();
  const out: Float32Array[] = [];
  try {
    for (const f of files) {
      const wav = await readWav(join(FIXTURE_AUDIO, f));
      for await (const u of segmentStream(memorySource(wav.audio), vad)) out.push(u.audio);
    }
  } finally {
    await vad.release();
  }
  return out;
}

async function transcribeAll(
  recognizer: LoadedRecognizer,
  gpuEp: GpuEp | null,
  utterances: Float32Array[],
): Promise<{ texts: string[]; ms: number[]; where: string }> {
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(null),
    onPlacement: () => undefined,
    onGpuError: (e: HostGpuError) => record('speech-gpu-error', e),
  });
  try {
    for (const m of recognizer.models)
      await host.add(m, gpuEp !== null && m.prefer === 'gpu' ? 'gpu' : 'cpu', 'check');
    const seen = new Set<string>();
    const run = async (id: string, feeds: Feeds) => {
      const r = await host.run(id, feeds);
      seen.add(`${id}@${r.device}/${r.ep}${r.retriedOnCpu ? ' (retried on cpu)' : ''}`);
      return r;
    };
    await recognizer.recognize(utterances[0] ?? new Float32Array(16000), run); // warm-up (shader compilation)
    const texts: string[] = [];
    const ms: number[] = [];
    for (const u of utterances) {
      const t0 = performance.now();
      const r = await recognizer.recognize(u, run);
      ms.push(performance.now() - t0);
      texts.push(r.text);
    }
    return { texts, ms, where: [...seen].join(', ') };
  } finally {
    await host.releaseAll();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  say(
    `gpuCheck: node ${process.version}, deadline ${DEADLINE_S} s, logs ${OUT ?? '(stdout only: OUT is not set)'}`,
  );
  let probe: GpuProbe;
  try {
    probe = openNvmlProbe({ libraryPath: NVML_LIB });
  } catch (error) {
    say(
      `gpuCheck: no NVIDIA GPU here (NVML: ${errorText(error)}). This check needs a GPU machine: ` +
        'source .device-bundle/bootstrap.sh && node --import tsx test/device/gpuCheck.ts',
    );
    return 2;
  }
  measured(
    'VK_DRIVER_FILES',
    process.env['VK_DRIVER_FILES'] ?? '(unset: Vulkan finds the NVIDIA ICD by itself, or not)',
  );
  try {
    await checkNvml(probe);
    const gpuEp = await checkProviders();
    const ballast = helperPath('ballast.py');
    if (gpuEp === null || ballast === null) {
      if (ballast === null)
        check('GPU checks', 'skip', 'ballast.py not found in .device-bundle/ or ../shared/device/');
      return summarize();
    }
    await step('speech', () => checkSpeech(gpuEp));
    section('Model');
    const model = await makeModel();
    measured('model', `${model.source}, ${mib(model.spec.sizeMiB)} of weights, ${MODEL_PATH}`);
    try {
      await step('levels', () => checkLevels(model, gpuEp, ballast));
      let cpuRef: Float32Array | null = null;
      await step('offload/restore', async () => {
        cpuRef = await checkOffloadRestore(model, gpuEp, probe);
      });
      // Before the out-of-memory check, which may leave this process's WebGPU device in an error state.
      await step('stress', () => checkStress(probe));
      await step('out-of-memory', () => checkOom(model, gpuEp, probe, ballast, cpuRef));
    } finally {
      rmSync(MODEL_PATH, { force: true });
    }
    return summarize();
  } finally {
    probe.close();
  }
}

/** A failing section is a failed check, and the next section still runs. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    check(name, 'fail', `threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

function summarize(): number {
  section('Summary');
  for (const c of checks) say(`  ${c.status.toUpperCase().padEnd(4)} ${c.name}`);
  const failed = checks.filter((c) => c.status === 'fail').length;
  say(`gpuCheck: ${checks.length} checks, ${failed} failed, ${((Date.now() - T0) / 1000).toFixed(0)} s`);
  if (OUT !== null)
    writeFileSync(join(OUT, 'summary.json'), `${JSON.stringify({ checks, figures }, null, 2)}\n`);
  return failed > 0 ? 1 : 0;
}

// The watchdog and the monitor's worker are unref'd: this keeps the process alive until main settles.
const keepAlive = setInterval(() => undefined, 1000);
main().then(
  (code) => {
    clearInterval(keepAlive);
    process.exitCode = code;
  },
  (error: unknown) => {
    clearInterval(keepAlive);
    say(`gpuCheck: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
