/**
 * `swictation stress --to 0.92 [--hold 30s] [--gpu N|UUID]`: takes VRAM on a real GPU until the whole device
 * reaches the target usage, holds it, then gives it back. It is the "other program" that drives a running
 * app through WARNING, CRITICAL and EMERGENCY by hand.
 *
 * Memory is taken the way the app itself takes it: onnxruntime sessions on the GPU provider the app would use
 * (cuda or webgpu), each holding one ballast initializer in VRAM. After each session the device is re-read
 * through the same probe the app uses, so the target is met device-wide whatever else runs on the GPU.
 */
import * as ort from 'onnxruntime-node';
import { usageOf, type GpuSample } from '../../../../shared/gpuSample';
import type { GpuDeviceInfo, GpuProbe } from '../../memory/probes/gpuProbe';
import { openProbe } from '../../memory/probes/openProbe';
import { buildBallastModel } from '../../models/ballastModel';
import { probeExecutionProviders, type GpuEp } from '../../models/executionProviders';
import { classifyGpuError } from '../../models/gpuErrors';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';

/** Largest ballast per session; nearer the target each session takes only what is missing. */
const CHUNK_MIB = 256;
/** A provider that rejects a chunk for its size (a buffer limit, not memory) gets smaller ones, down to this. */
const MIN_CHUNK_MIB = 16;
/** Sessions that do not move the device's usage: after this many, the memory is not landing on this GPU. */
const STALL_LIMIT = 3;
/** A session whose device-wide growth is below this share of its ballast counts as a stall. */
const STALL_SHARE = 0.25;
/** Far more sessions than any GPU needs at CHUNK_MIB: a bound on the loop, not a real limit. */
const MAX_SESSIONS = 4096;
const DEFAULT_HOLD_MS = 30_000;
const MAX_HOLD_MS = 24 * 3_600_000;

export interface StressOptions {
  /** Target device usage, 0 < to < 1. */
  to: number;
  holdMs: number;
  gpu: string | undefined;
}

/** One session holding ballast on the GPU. */
export interface Ballast {
  release: () => Promise<void>;
}

/** What stress touches outside itself; tests replace it with a simulated GPU. */
export interface StressDeps {
  openProbe: (gpu: string | undefined) => GpuProbe;
  /** The GPU execution provider that runs here, or null. */
  findGpuEp: () => Promise<GpuEp | null>;
  takeBallast: (ep: GpuEp, mib: number, device: GpuDeviceInfo) => Promise<Ballast>;
  /** Resolves after `ms`, or as soon as `signal` aborts (Ctrl-C). */
  hold: (ms: number, signal: AbortSignal) => Promise<void>;
  out: (line: string) => void;
  err: (line: string) => void;
}

type FillOutcome = 'reached' | 'refused' | 'stalled' | 'interrupted' | 'limit';

export async function stressCommand(args: ParsedArgs, deps: StressDeps = realStressDeps()): Promise<number> {
  // Every argument is checked before anything opens the driver: bad input never touches a GPU.
  const opts = parseStressArgs(args);
  const probe = deps.openProbe(opts.gpu);
  try {
    const device = probe.device;
    if (probe.kind === 'none' || device === null) {
      deps.err(
        'swictation stress: no supported GPU found (NVIDIA via NVML, AMD via sysfs); there is no VRAM to take',
      );
      return 1;
    }
    const ep = await deps.findGpuEp();
    if (ep === null) {
      deps.err(
        `swictation stress: ${device.name} was found, but no GPU execution provider (cuda, webgpu) runs here; see \`swictation doctor\``,
      );
      return 1;
    }
    return await stressWith(opts, probe, device, ep, deps);
  } finally {
    probe.close();
  }
}

async function stressWith(
  opts: StressOptions,
  probe: GpuProbe,
  device: GpuDeviceInfo,
  ep: GpuEp,
  deps: StressDeps,
): Promise<number> {
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.on('SIGINT', onSigint);
  const held: Ballast[] = [];
  try {
    const start = probe.sample(Date.now());
    deps.out(
      `stress: ${device.name} (GPU ${device.index}) at ${line(start)}; taking VRAM through ${ep} up to ${pct(opts.to)}`,
    );
    if (ep === 'webgpu' && device.index !== 0) {
      deps.out(
        'stress: note: WebGPU picks its own adapter; if usage does not rise, the ballast lands on another GPU',
      );
    }
    const outcome = await fill(opts, probe, device, ep, deps, held, interrupt.signal);
    if (outcome === 'interrupted') {
      deps.out('stress: interrupted; releasing');
      return 130;
    }
    if (outcome !== 'reached') deps.err(`stress: stopped short of ${pct(opts.to)} (${describe(outcome)})`);
    deps.out(
      `stress: holding ${held.length} ballast session(s) at ${line(probe.sample(Date.now()))} for ${formatMs(opts.holdMs)} (Ctrl-C releases)`,
    );
    await deps.hold(opts.holdMs, interrupt.signal);
    return outcome === 'reached' ? 0 : 1;
  } finally {
    // Newest first, each awaited, so a failing release cannot leave the rest held.
    for (const b of held.reverse()) await b.release().catch(() => undefined);
    process.off('SIGINT', onSigint);
    deps.out(`stress: released; ${safeLine(probe)}`);
  }
}

async function fill(
  opts: StressOptions,
  probe: GpuProbe,
  device: GpuDeviceInfo,
  ep: GpuEp,
  deps: StressDeps,
  held: Ballast[],
  signal: AbortSignal,
): Promise<FillOutcome> {
  let chunk = CHUNK_MIB;
  let stalls = 0;
  let before = probe.sample(Date.now());
  for (;;) {
    if (signal.aborted) return 'interrupted';
    const missing = opts.to * before.totalMiB - before.usedMiB;
    // Within 0.05 % of the device (and at least 4 MiB) is on target: the next session could only overshoot.
    if (missing < Math.max(4, before.totalMiB * 0.0005)) return 'reached';
    if (held.length >= MAX_SESSIONS) return 'limit';
    const mib = Math.min(chunk, missing);
    let ballast: Ballast;
    try {
      ballast = await deps.takeBallast(ep, mib, device);
    } catch (error) {
      const full = error instanceof Error ? error.message : String(error);
      const message = firstLine(full);
      if (classifyGpuError(full) === 'oom') {
        deps.err(`stress: the GPU refused ${Math.round(mib)} MiB more: ${message}`);
        return 'refused';
      }
      if (chunk <= MIN_CHUNK_MIB) throw error;
      chunk = Math.max(MIN_CHUNK_MIB, chunk / 2);
      deps.out(`stress: a ${Math.round(mib)} MiB ballast failed (${message}); trying ${chunk} MiB pieces`);
      continue;
    }
    held.push(ballast);
    const after = probe.sample(Date.now());
    const grew = after.usedMiB - before.usedMiB;
    deps.out(
      `stress: ${line(after)}  (+${Math.round(mib)} MiB ballast, device +${Math.round(grew)} MiB, ${held.length} session(s))`,
    );
    stalls = grew < mib * STALL_SHARE ? stalls + 1 : 0;
    if (stalls >= STALL_LIMIT) return 'stalled';
    before = after;
  }
}

function describe(outcome: FillOutcome): string {
  if (outcome === 'refused') return 'the GPU ran out of memory first';
  if (outcome === 'stalled')
    return (
      `usage did not rise over ${STALL_LIMIT} sessions: either the GPU is full (WebGPU reports a failed` +
      ' allocation only when a model runs) or the memory lands on another GPU'
    );
  return `${MAX_SESSIONS} sessions without reaching it`;
}

// ---- arguments ----

export function parseStressArgs({ values, positionals }: ParsedArgs): StressOptions {
  if (positionals.length > 0) {
    throw new UsageError(`stress takes options only, got "${positionals.join(' ')}" (try: stress --to 0.92)`);
  }
  const to = parseTarget(single(values, 'to'));
  const holdRaw = single(values, 'hold');
  const holdMs = holdRaw === undefined ? DEFAULT_HOLD_MS : parseDuration(holdRaw, '--hold');
  const gpu = single(values, 'gpu');
  if (gpu !== undefined && gpu.trim() === '') throw new UsageError('--gpu needs an index or a UUID');
  return { to, holdMs, gpu };
}

function single(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} must be given once, with a value`);
  return v;
}

/** A fraction in (0, 1); "92%" is read as 0.92 since that is how usage is shown. */
function parseTarget(raw: string | undefined): number {
  if (raw === undefined) throw new UsageError('stress needs a target: --to FRACTION, e.g. --to 0.92');
  const text = raw.trim();
  const percent = text.endsWith('%');
  const value = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (text === '' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new UsageError(`--to must be a fraction between 0 and 1 (exclusive), e.g. 0.92; got "${raw}"`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "30s", "500ms", "2m", "1h"; a bare number is seconds. */
export function parseDuration(raw: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)?$/i.exec(raw.trim());
  const unit = UNIT_MS[(match?.[2] ?? 's').toLowerCase()];
  if (!match || unit === undefined) {
    throw new UsageError(`${flag} must be a duration like 30s, 500ms, 2m or 1h; got "${raw}"`);
  }
  const ms = Math.round(Number(match[1]) * unit);
  if (ms > MAX_HOLD_MS) throw new UsageError(`${flag} must be at most 24h; got "${raw}"`);
  return ms;
}

// ---- output ----

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function line(s: GpuSample): string {
  return `${pct(usageOf(s))} (${Math.round(s.usedMiB)} / ${Math.round(s.totalMiB)} MiB used)`;
}

/** The closing reading must not replace an error already on its way out. */
function safeLine(probe: GpuProbe): string {
  try {
    return line(probe.sample(Date.now()));
  } catch (error) {
    return `usage unknown (${error instanceof Error ? error.message : String(error)})`;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

// ---- the real GPU ----

export function realStressDeps(): StressDeps {
  // Full-size ballasts are all alike: one model buffer serves every session (ORT copies what it needs).
  const models = new Map<number, Uint8Array>();
  return {
    openProbe: (gpu) => openProbe('auto', { gpu }).probe,
    findGpuEp: async () => (await probeExecutionProviders({ stopAtFirstGpu: true })).gpuEp,
    takeBallast: async (ep, mib, device) => {
      const bytes = models.get(mib) ?? buildBallastModel(mib);
      if (mib === CHUNK_MIB) models.set(mib, bytes);
      const session = await ort.InferenceSession.create(bytes, {
        // CUDA numbers devices its own way (fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID); the stall
        // check catches a ballast that lands elsewhere.
        executionProviders: [ep === 'cuda' ? { name: 'cuda', deviceId: device.index } : { name: 'webgpu' }],
        graphOptimizationLevel: 'basic',
      });
      return { release: () => session.release() };
    },
    hold: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        const timer = setTimeout(resolve, ms);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      }),
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  };
}
