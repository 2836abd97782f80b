import { runCli as cli, type CliRun } from '../cli/runCli';
import { endSchema } from './endEvent';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineEventSchema, type EngineEvent } from '../../../shared/engineEvents';

/**
 * Issue 10 where the user meets it: `swictation simulate` as a real child process, on virtual time. Each
 * scenario is one of the reproductions: an 8000 MiB GPU with 300 MiB reserved, stt (1500 MiB) on it.
 */
const GPU = { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 };
const VAD = { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' };
const STT = { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' };
const FAST = { intervalMs: 100, recoveryDwellMs: 10_000, predictivePrewarm: false };
const MINUTE = 60_000;
/** Other programs' memory for a usage with stt off the GPU: (300 + x) / 8000. */
const externalFor = (usage: number) => Math.round(usage * 8000 - 300);

const SCENARIOS: Record<string, unknown> = {
  // 1: at a steady 97 %, the user raises the emergency threshold to 0.99.
  thresholdRaised: {
    gpu: GPU,
    settings: { ...FAST, cooldownMs: 30_000 },
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 1000, externalMiB: 6000 },
      { atMs: 2000, externalMiB: externalFor(0.97) },
      { atMs: 5000, settings: { thresholds: { emergency: 0.99 } } },
    ],
    durationMs: 70_000,
  },
  // 2: usage back at 60 % while EMERGENCY still dwells; the user presses Restore.
  restoreDuringDwell: {
    gpu: GPU,
    settings: FAST,
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 1000, externalMiB: 6000 },
      { atMs: 2000, externalMiB: externalFor(0.6) },
      { atMs: 3000, command: 'restore' },
    ],
    durationMs: 6000,
  },
  // 3: the probe fails, another program takes all but 100 MiB of what stt needs, the user presses Restore.
  staleRestore: {
    gpu: GPU,
    settings: FAST,
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 500, command: 'offload' },
      { atMs: 1000, probeFailure: 1000 },
      { atMs: 1200, externalMiB: 6100 },
      { atMs: 1500, command: 'restore' },
    ],
    durationMs: 5000,
  },
  // 4: three out-of-memory errors 11 minutes apart (default window: 10 minutes).
  strikesApart: {
    gpu: GPU,
    settings: { intervalMs: 1000, predictivePrewarm: false },
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 1000, gpuError: 'CUDA error: out of memory' },
      { atMs: 11 * MINUTE, gpuError: 'CUDA error: out of memory' },
      { atMs: 22 * MINUTE, gpuError: 'CUDA error: out of memory' },
    ],
    durationMs: 23 * MINUTE,
  },
  // 5: EMERGENCY, the offload leaves 78.75 %, other programs free memory to 60 % at 3 s (dwell 10 s).
  oneDwell: {
    gpu: GPU,
    settings: FAST,
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 1000, externalMiB: 6000 },
      { atMs: 3000, externalMiB: externalFor(0.6) },
    ],
    durationMs: 25_000,
  },
  // 7: a small auxiliary GPU model listed before stt; room for one of them only.
  priority: {
    gpu: GPU,
    settings: FAST,
    models: [VAD, { id: 'aux', role: 'aux', sizeMiB: 2000, prefer: 'gpu' }, STT],
    steps: [
      { atMs: 0, externalMiB: 4000 },
      { atMs: 1000, command: 'offload' },
      { atMs: 2000, command: 'restore' },
    ],
    durationMs: 3000,
  },
  // 8: a 1 ms spike to 100 %.
  spike: {
    gpu: GPU,
    settings: { intervalMs: 100 },
    models: [VAD, STT],
    steps: [
      { atMs: 0, externalMiB: 1000 },
      { atMs: 1000, externalMiB: 7000 },
      { atMs: 1001, externalMiB: 1000 },
    ],
    durationMs: 3000,
  },
};

type Timed = EngineEvent & { tMs: number };
type Of<T extends Timed['type']> = Extract<Timed, { type: T }>;

interface Output {
  events: Timed[];
  end: z.infer<typeof endSchema>;
}

function parse(run: CliRun): Output {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  const events = lines.map((line) => {
    const raw = JSON.parse(line) as unknown;
    return { ...engineEventSchema.parse(raw), tMs: z.object({ tMs: z.number() }).parse(raw).tMs };
  });
  return { events, end: endSchema.parse(JSON.parse(last)) };
}

const outputs: Record<string, Output> = {};
let tmp = '';

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'swictation-issue10-'));
  const runs = await Promise.all(
    Object.entries(SCENARIOS).map(async ([name, scenario]) => {
      const path = join(tmp, `${name}.json`);
      await writeFile(path, JSON.stringify(scenario));
      return [name, await cli(['simulate', path, '--json'])] as const;
    }),
  );
  for (const [name, run] of runs) outputs[name] = parse(run);
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function out(name: string): Output {
  const o = outputs[name];
  if (!o) throw new Error(`no run ${name}`);
  return o;
}

function of<T extends Timed['type']>(o: Output, type: T): Of<T>[] {
  return o.events.filter((e): e is Of<T> => e.type === type);
}

const levels = (o: Output) => of(o, 'level').map((e) => `${e.from}->${e.to}@${e.tMs}`);
const placements = (o: Output, model = 'stt') =>
  of(o, 'placement')
    .filter((p) => p.model === model)
    .map((p) => `${p.from ?? 'new'}->${p.to}@${p.tMs}`);

describe('simulate, issue 10: the memory manager does what a user expects', () => {
  it('1: raising emergency to 0.99 at a steady 97 % turns EMERGENCY to CRITICAL at once, for good', () => {
    const o = out('thresholdRaised');
    expect(levels(o)).toContain('EMERGENCY->CRITICAL@5000');
    expect(o.end.status.level).toBe('CRITICAL');
    // No offload repeated every 30 s, and Restore gives the real reason, not the recovery dwell.
    expect(of(o, 'action').filter((a) => a.name === 'offload')).toHaveLength(1);
    expect(o.end.status.restoreBlocker).toBe(
      'stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 240 MiB free',
    );
  });

  it('2: Restore at 60 % while the level still dwells at EMERGENCY moves stt back to the GPU', () => {
    const o = out('restoreDuringDwell');
    expect(of(o, 'refused')).toEqual([]);
    expect(placements(o)).toEqual(['new->gpu@0', 'gpu->cpu@1100', 'cpu->gpu@3000']);
    expect(o.end.status.models.find((m) => m.id === 'stt')?.device).toBe('gpu');
  });

  it('3: Restore while the GPU monitor fails is refused with that reason; nothing loads, no strike', () => {
    const o = out('staleRestore');
    const refused = of(o, 'refused').filter((e) => e.command === 'restore');
    expect(refused.map((e) => e.tMs)).toEqual([1500]);
    expect(refused[0]?.reason).toMatch(/^the GPU monitor is failing \(.*\): free memory is unknown$/);
    expect(placements(o)).toEqual(['new->gpu@0', 'gpu->cpu@500']);
    expect(of(o, 'gpu-error')).toEqual([]);
    expect(o.end.status.restoreBlocker).toMatch(/^the GPU monitor is failing/);
  });

  it('4: three out-of-memory errors 11 minutes apart: no permanent CPU fallback, one strike in the window', () => {
    const o = out('strikesApart');
    expect(of(o, 'gpu-error').map((e) => [e.tMs, e.count, e.inWindow, e.retriedOn])).toEqual([
      [1000, 1, 1, 'cpu'],
      [11 * MINUTE, 2, 1, 'cpu'],
      [22 * MINUTE, 3, 1, 'cpu'],
    ]);
    expect(of(o, 'permanent-cpu')).toEqual([]);
    expect(o.end.status).toMatchObject({
      permanentCpu: false,
      gpuErrors: { count: 3, inWindow: 1, limit: 3, windowMs: 10 * MINUTE },
    });
    expect(o.end.status.models.find((m) => m.id === 'stt')?.device).toBe('gpu');
    expect(o.end.requests.lost).toBe(0);
  });

  it('5: recovery takes one dwell: stt is back 10 s after usage reached 60 %, not 18 s', () => {
    const o = out('oneDwell');
    expect(levels(o).slice(3)).toEqual(['EMERGENCY->WARNING@11100', 'WARNING->NORMAL@13000']);
    expect(placements(o)).toEqual(['new->gpu@0', 'gpu->cpu@1100', 'cpu->gpu@13000']);
  });

  it('7: stt gets the GPU before a listed-first auxiliary model, at load and at Restore', () => {
    const o = out('priority');
    expect(placements(o)).toEqual(['new->gpu@0', 'gpu->cpu@1000', 'cpu->gpu@2000']);
    // aux stays on the CPU: after stt, 2200 MiB are free and it needs 2000 + 256.
    expect(placements(o, 'aux')).toEqual(['new->cpu@0']);
    expect(o.end.status.models.map((m) => `${m.id}@${m.device}`)).toEqual(['vad@cpu', 'stt@gpu', 'aux@cpu']);
  });

  it('8: a 1 ms spike to 100 % is not confirmed by a reading in the same millisecond: no offload', () => {
    const o = out('spike');
    expect(of(o, 'action').map((a) => a.name)).not.toContain('offload');
    expect(levels(o)).not.toContain('CRITICAL->EMERGENCY@1000');
    expect(placements(o)).toEqual(['new->gpu@0']);
  });
});
