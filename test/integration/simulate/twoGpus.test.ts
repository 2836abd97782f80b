import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/runCli';
import { of, parse, type Output } from './endEvent';

/** The two-GPU scenarios of issue 13, each run by the real CLI (`simulate --json`) in virtual time. */
const SCENARIOS = {
  llmFillsGpu0: 'test/fixtures/scenarios/two-gpus-llm-fills-gpu0.json',
  bothFull: 'test/fixtures/scenarios/two-gpus-both-full.json',
  gpu0Frees: 'test/fixtures/scenarios/two-gpus-gpu0-frees.json',
  strikesOnGpu0: 'test/fixtures/scenarios/two-gpus-strikes-on-gpu0.json',
} as const;

const outputs: Partial<Record<keyof typeof SCENARIOS, Output>> = {};

beforeAll(async () => {
  const runs = await Promise.all(
    Object.entries(SCENARIOS).map(
      async ([name, file]) => [name, await runCli(['simulate', file, '--json'])] as const,
    ),
  );
  for (const [name, run] of runs) outputs[name as keyof typeof SCENARIOS] = parse(run);
}, 60_000);

function output(name: keyof typeof SCENARIOS): Output {
  const out = outputs[name];
  if (!out) throw new Error(`no run ${name}`);
  return out;
}

/** Each placement of `stt` as `from[fromGpu]->to[gpu]`, e.g. `gpu0->gpu1`, `new->gpu0`, `gpu0->cpu`. */
function sttMoves(out: Output): string[] {
  return of(out, 'placement')
    .filter((p) => p.model === 'stt')
    .map((p) => `${p.from ?? 'new'}${p.fromGpu ?? ''}->${p.to}${p.gpu ?? ''}`);
}

function gpuLevels(out: Output, gpu: number): string[] {
  return of(out, 'level')
    .filter((e) => e.gpu === gpu)
    .map((e) => `${e.from}->${e.to}@${e.tMs}`);
}

describe('simulate with two GPUs', () => {
  it('LLM fills GPU 0: stt pre-warms on GPU 1 at CRITICAL and moves there at EMERGENCY, never to the CPU', () => {
    const out = output('llmFillsGpu0');
    expect(sttMoves(out)).toEqual(['new->gpu0', 'gpu0->gpu1']);
    const critical = of(out, 'level').find((e) => e.gpu === 0 && e.to === 'CRITICAL');
    const emergency = of(out, 'level').find((e) => e.gpu === 0 && e.to === 'EMERGENCY');
    const prewarm = of(out, 'action').find((a) => a.name === 'prewarm-standby');
    expect(prewarm?.detail).toMatch(/^stt: standby on GPU 1 ready/);
    expect(prewarm?.tMs).toBe(critical?.tMs);
    const move = of(out, 'placement').find((p) => p.model === 'stt' && p.fromGpu === 0);
    expect(move).toMatchObject({ from: 'gpu', to: 'gpu', gpu: 1, fromGpu: 0, tMs: emergency?.tMs });
    expect(gpuLevels(out, 1)).toEqual([]); // GPU 1 stayed NORMAL throughout
    const { status, requests } = out.end;
    expect(status.models.find((m) => m.id === 'stt')).toMatchObject({ device: 'gpu', gpu: 1 });
    expect(status.gpus.map((g) => [g.index, g.level])).toEqual([
      [0, 'WARNING'],
      [1, 'NORMAL'],
    ]);
    // The top level is the most pressed GPU's: a one-GPU client sees GPU 0's WARNING.
    expect(status).toMatchObject({ level: 'WARNING', usage: status.gpus[0]?.usage, gpu: { index: 0 } });
    expect(requests).toMatchObject({ lost: 0, retriedOnCpu: 0 });
    expect(requests.served).toBeGreaterThan(0);
  });

  it('both GPUs full: stt falls to the CPU, then restore takes it to the GPU that frees', () => {
    const out = output('bothFull');
    expect(sttMoves(out)).toEqual(['new->gpu0', 'gpu0->cpu', 'cpu->gpu1']);
    const prewarm = of(out, 'action').find((a) => a.name === 'prewarm-standby');
    expect(prewarm?.detail).toMatch(/^stt: CPU standby ready/); // GPU 1 (WARNING, 1200 MiB free) takes nothing
    const restore = of(out, 'placement').find((p) => p.to === 'gpu' && p.from === 'cpu');
    expect(restore?.reason).toMatch(/^memory recovered/);
    expect(restore?.tMs).toBeGreaterThanOrEqual(8000);
    expect(out.end.status.models.find((m) => m.id === 'stt')).toMatchObject({ device: 'gpu', gpu: 1 });
    expect(out.end.requests.lost).toBe(0);
  });

  it('placement by rule: stt goes where there is most room, and after GPU 0 frees a reload goes to GPU 0', () => {
    const out = output('gpu0Frees');
    expect(sttMoves(out)).toEqual(['new->gpu1', 'new->gpu0']);
    const [first, reload] = of(out, 'placement').filter((p) => p.model === 'stt');
    expect(first?.reason).toBe('prefers the GPU; 4700 MiB free on GPU 1, the most room');
    expect(reload?.reason).toBe('prefers the GPU; 7700 MiB free on GPU 0, the most room');
    expect(out.end.status.models.find((m) => m.id === 'stt')).toMatchObject({ device: 'gpu', gpu: 0 });
    expect(out.end.requests.lost).toBe(0);
  });

  it('strikes on GPU 0 take GPU 0 out and leave GPU 1 usable: no permanent CPU fallback', () => {
    const out = output('strikesOnGpu0');
    const errors = of(out, 'gpu-error');
    expect(errors.map((e) => [e.gpu, e.inWindow])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    expect(of(out, 'permanent-cpu')).toEqual([]);
    expect(sttMoves(out)).toEqual(['new->gpu0', 'gpu0->cpu', 'cpu->gpu1']);
    const { status, requests } = out.end;
    expect(status.permanentCpu).toBe(false);
    expect(status.gpus.map((g) => ({ index: g.index, strikes: g.strikes, out: g.out }))).toEqual([
      { index: 0, strikes: 3, out: true },
      { index: 1, strikes: 0, out: false },
    ]);
    expect(status.models.find((m) => m.id === 'stt')).toMatchObject({ device: 'gpu', gpu: 1 });
    expect(requests).toMatchObject({ lost: 0, retriedOnCpu: 1 });
  });
});
