import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../shared/engineEvents';
import { runScenario, type EndEvent, type TimedEvent } from '../../../electron/engine/simulation/runScenario';
import { parseScenario } from '../../../electron/engine/simulation/scenario';

type Of<T extends EngineEvent['type']> = Extract<TimedEvent, { type: T }>;

/** Two 8 GB GPUs, the speech model on GPU 0 (GPU 1 starts busier), and the steps given. */
async function run(steps: unknown[], durationMs: number) {
  const parsed = parseScenario({
    gpus: [
      { name: 'A', totalMiB: 8000, reservedMiB: 300 },
      { name: 'B', totalMiB: 8000, reservedMiB: 300 },
    ],
    settings: { intervalMs: 100, recoveryDwellMs: 1000 },
    steps: [{ atMs: 0, gpu: 0, externalMiB: 1000 }, { atMs: 0, gpu: 1, externalMiB: 2000 }, ...steps],
    durationMs,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const events: TimedEvent[] = [];
  const end = await runScenario(parsed.scenario, {
    emit: (e) => {
      if (e.type !== 'end') events.push(e);
    },
  });
  const of = <T extends EngineEvent['type']>(type: T) => events.filter((e): e is Of<T> => e.type === type);
  return { end, of };
}

function moves(placements: Of<'placement'>[]): string[] {
  return placements
    .filter((p) => p.model === 'stt')
    .map((p) => `${p.from ?? 'new'}${p.fromGpu ?? ''}->${p.to}${p.gpu ?? ''}@${p.tMs}`);
}

const sttOf = (end: EndEvent) => end.status.models.find((m) => m.id === 'stt');

describe('two GPUs under pressure (the real manager and host, virtual time)', () => {
  it('a standby on GPU 1 is dropped once GPU 1 itself comes under pressure: EMERGENCY on GPU 0 then goes to the CPU', async () => {
    const { end, of } = await run(
      [
        { atMs: 2000, gpu: 0, externalMiB: 5600 }, // GPU 0 CRITICAL: stt's standby on GPU 1 (NORMAL)
        { atMs: 3000, gpu: 1, externalMiB: 5500 }, // GPU 1 above NORMAL with it: the standby goes
        { atMs: 4000, gpu: 0, externalMiB: 6200 }, // GPU 0 EMERGENCY
      ],
      8000,
    );
    const prewarm = of('action').find((a) => a.name === 'prewarm-standby');
    expect(prewarm?.detail).toMatch(/^stt: standby on GPU 1 ready/);
    expect(moves(of('placement'))).toEqual(['new->gpu0@0', 'gpu0->cpu@4100']);
    expect(sttOf(end)).toMatchObject({ device: 'cpu', gpu: null });
    expect(end.status.gpus.map((g) => g.usedMiB)).toEqual([6500, 5800]); // no copy left behind on GPU 1
    expect(end.requests.lost).toBe(0);
  });

  it('a failing reading of GPU 1 is reported as a probe failure, and the readings resume', async () => {
    const { end, of } = await run([{ atMs: 1000, gpu: 1, probeFailure: 2 }], 3000);
    expect(of('probe').map((p) => p.ok)).toEqual([false, true]);
    expect(of('probe')[0]?.error).toMatch(/simulated probe failure/);
    expect(end.status.probe.ok).toBe(true);
    expect(end.status.gpus.map((g) => g.index)).toEqual([0, 1]);
    expect(sttOf(end)).toMatchObject({ device: 'gpu', gpu: 0 });
  });
});
