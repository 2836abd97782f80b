import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../../electron/engine/cli/usageError';
import {
  parseDuration,
  stressCommand,
  type Ballast,
  type StressDeps,
} from '../../../electron/engine/cli/commands/stress';
import { openNoGpuProbe } from '../../../electron/engine/memory/probes/noGpuProbe';
import { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import type { GpuEp } from '../../../electron/engine/models/executionProviders';

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Recorded {
  deps: StressDeps;
  out: string[];
  err: string[];
  takes: number[];
  holds: number[];
}

/**
 * Deps over a simulated GPU: each ballast session takes its MiB plus a fixed per-session overhead (what a
 * real provider adds), and throws the simulator's CUDA-style OOM when it does not fit.
 */
function simulated(
  gpu: SimulatedGpu | null,
  opts: { ep?: GpuEp | null; overheadMiB?: number } = {},
): Recorded {
  const rec: Recorded = { out: [], err: [], takes: [], holds: [], deps: undefined as unknown as StressDeps };
  rec.deps = {
    openProbe: () => (gpu ? gpu.probe() : openNoGpuProbe()),
    findGpuEp: () => Promise.resolve(opts.ep === undefined ? 'webgpu' : opts.ep),
    takeBallast: (_ep, mib): Promise<Ballast> => {
      if (!gpu) throw new Error('no GPU');
      rec.takes.push(mib);
      const id = gpu.allocate('ballast', mib + (opts.overheadMiB ?? 0));
      return Promise.resolve({
        release: () => {
          gpu.free(id);
          return Promise.resolve();
        },
      });
    },
    hold: (ms) => {
      rec.holds.push(ms);
      return Promise.resolve();
    },
    out: (l) => rec.out.push(l),
    err: (l) => rec.err.push(l),
  };
  return rec;
}

function untouchable(): StressDeps {
  const touched = (): never => {
    throw new Error('stress touched the GPU before validating its arguments');
  };
  return {
    openProbe: vi.fn(touched),
    findGpuEp: vi.fn(touched),
    takeBallast: vi.fn(touched),
    hold: vi.fn(touched),
    out: () => undefined,
    err: () => undefined,
  };
}

const run = (values: Values, deps: StressDeps, positionals: string[] = []): Promise<number> =>
  stressCommand({ values, positionals }, deps);

describe('stress: arguments', () => {
  const bad: [string, Values, string[]?][] = [
    ['missing --to', {}],
    ['--to without a number', { to: 'abc' }],
    ['--to empty', { to: '' }],
    ['--to 0', { to: '0' }],
    ['--to 1', { to: '1' }],
    ['--to above 1', { to: '1.5' }],
    ['--to negative', { to: '-0.2' }],
    ['--to as a whole percent without %', { to: '92' }],
    ['--to twice', { to: ['0.5', '0.6'] }],
    ['--hold abc', { to: '0.9', hold: 'abc' }],
    ['--hold with an unknown unit', { to: '0.9', hold: '10x' }],
    ['--hold negative', { to: '0.9', hold: '-5s' }],
    ['--hold beyond a day', { to: '0.9', hold: '25h' }],
    ['--gpu empty', { to: '0.9', gpu: '' }],
    ['a positional argument', { to: '0.9' }, ['0.95']],
  ];
  it.each(bad)('rejects %s with a UsageError before touching any GPU', async (_name, values, positionals) => {
    const deps = untouchable();
    await expect(run(values, deps, positionals ?? [])).rejects.toBeInstanceOf(UsageError);
    expect(deps.openProbe).not.toHaveBeenCalled();
    expect(deps.findGpuEp).not.toHaveBeenCalled();
    expect(deps.takeBallast).not.toHaveBeenCalled();
  });

  it('names the flag and the bad value in the message', async () => {
    await expect(run({ to: '1.5' }, untouchable())).rejects.toThrow(/--to .*"1\.5"/);
    await expect(run({ to: '0.9', hold: 'abc' }, untouchable())).rejects.toThrow(/--hold .*"abc"/);
  });

  it('reads durations in ms, s, m and h, a bare number as seconds', () => {
    expect(parseDuration('30s', '--hold')).toBe(30_000);
    expect(parseDuration('500ms', '--hold')).toBe(500);
    expect(parseDuration('2m', '--hold')).toBe(120_000);
    expect(parseDuration('1.5h', '--hold')).toBe(5_400_000);
    expect(parseDuration('10', '--hold')).toBe(10_000);
    expect(parseDuration('0', '--hold')).toBe(0);
  });
});

describe('stress: no GPU', () => {
  it('prints one line and returns 1 without a supported GPU', async () => {
    const rec = simulated(null);
    expect(await run({ to: '0.9' }, rec.deps)).toBe(1);
    expect(rec.err).toHaveLength(1);
    expect(rec.err[0]).toMatch(/no supported GPU/);
    expect(rec.takes).toHaveLength(0);
  });

  it('prints one line and returns 1 when no GPU execution provider runs', async () => {
    const rec = simulated(new SimulatedGpu({ name: 'Sim', totalMiB: 8000, reservedMiB: 300 }), { ep: null });
    expect(await run({ to: '0.9' }, rec.deps)).toBe(1);
    expect(rec.err).toEqual([expect.stringMatching(/Sim was found, but no GPU execution provider/)]);
    expect(rec.takes).toHaveLength(0);
  });
});

describe('stress: taking and releasing VRAM', () => {
  it('fills to the target in chunks that shrink near it, holds, then releases everything', async () => {
    const gpu = new SimulatedGpu({ name: 'Sim', totalMiB: 8000, reservedMiB: 300 });
    gpu.externalMiB = 1200; // another program: the target is device-wide
    const rec = simulated(gpu, { overheadMiB: 3 });
    expect(await run({ to: '0.92', hold: '2s' }, rec.deps)).toBe(0);

    expect(rec.holds).toEqual([2000]);
    expect(rec.takes.every((mib) => mib <= 256)).toBe(true);
    expect(rec.takes.at(-1)).toBeLessThan(256); // the last one only what was missing
    const peak = 300 + 1200 + rec.takes.reduce((s, m) => s + m + 3, 0);
    expect(peak / 8000).toBeGreaterThanOrEqual(0.92 - 0.0006);
    expect(peak / 8000).toBeLessThan(0.92 + 0.001);
    expect(gpu.ourMiB).toBe(0); // every session released
    expect(rec.out.at(-1)).toMatch(/^stress: released; 18\.8% /);
    expect(rec.out.some((l) => /holding \d+ ballast session\(s\) at 92\.\d%/.test(l))).toBe(true);
  });

  it('accepts a percentage and does nothing but hold when the device is already there', async () => {
    const gpu = new SimulatedGpu({ name: 'Sim', totalMiB: 1000, reservedMiB: 0 });
    gpu.externalMiB = 950;
    const rec = simulated(gpu);
    expect(await run({ to: '90%', hold: '0' }, rec.deps)).toBe(0);
    expect(rec.takes).toHaveLength(0);
  });

  it('stops at the GPU out-of-memory error, still holds what it took, and exits 1', async () => {
    const gpu = new SimulatedGpu({ name: 'Sim', totalMiB: 4000, reservedMiB: 0 });
    const rec = simulated(gpu, { overheadMiB: 100 }); // overhead makes the last chunk not fit
    expect(await run({ to: '0.99', hold: '1s' }, rec.deps)).toBe(1);
    expect(rec.err.some((l) => /refused .*out of memory/.test(l))).toBe(true);
    expect(rec.holds).toEqual([1000]);
    expect(gpu.ourMiB).toBe(0);
  });

  it('gives up when sessions do not raise the device usage (memory landing on another GPU)', async () => {
    const gpu = new SimulatedGpu({ name: 'Sim', totalMiB: 4000, reservedMiB: 0 });
    const rec = simulated(gpu);
    rec.deps.takeBallast = (_ep, mib) => {
      rec.takes.push(mib);
      return Promise.resolve({ release: () => Promise.resolve() });
    };
    expect(await run({ to: '0.5', hold: '0' }, rec.deps)).toBe(1);
    expect(rec.takes).toHaveLength(3);
    expect(rec.err.some((l) => /did not rise/.test(l))).toBe(true);
  });

  it('retries a provider error that is not out-of-memory with smaller pieces', async () => {
    const gpu = new SimulatedGpu({ name: 'Sim', totalMiB: 2000, reservedMiB: 0 });
    const rec = simulated(gpu);
    const take = rec.deps.takeBallast.bind(rec.deps);
    rec.deps.takeBallast = (ep, mib, device) => {
      if (mib > 64) return Promise.reject(new Error('WebGPU: buffer size exceeds maxBufferSize'));
      return take(ep, mib, device);
    };
    expect(await run({ to: '0.5', hold: '0' }, rec.deps)).toBe(0);
    expect(rec.takes.every((mib) => mib <= 64)).toBe(true);
    expect(rec.out.some((l) => /trying 64 MiB pieces/.test(l))).toBe(true);
  });
});
