import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../electron/engine/simulation/scenario';

describe('a scenario’s GPUs', () => {
  it('keeps the one-GPU "gpu" form, and defaults to one 8 GB GPU', () => {
    const one = parseScenario({ gpu: { name: 'A', totalMiB: 4000 } });
    expect(one.ok && one.scenario.gpus).toEqual([{ name: 'A', totalMiB: 4000, reservedMiB: 0 }]);
    const none = parseScenario({});
    expect(none.ok && none.scenario.gpus).toEqual([
      { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
    ]);
  });

  it('takes a "gpus" list, and steps name their GPU (default 0)', () => {
    const r = parseScenario({
      gpus: [{ totalMiB: 8000 }, { name: 'B', totalMiB: 24000, reservedMiB: 500 }],
      steps: [
        { atMs: 0, externalMiB: 10 },
        { atMs: 5, gpu: 1, externalMiB: 20 },
      ],
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.scenario.gpus.map((g) => g.totalMiB)).toEqual([8000, 24000]);
    expect(r.scenario.steps.map((s) => s.gpu)).toEqual([0, 1]);
  });

  it.each([
    [
      { gpu: { totalMiB: 1 }, gpus: [{ totalMiB: 1 }] },
      'scenario: give "gpu" (one GPU) or "gpus" (a list), not both',
    ],
    [{ gpus: [] }, 'gpus: gpus must list at least one GPU'],
    [{ steps: [{ atMs: 0, gpu: 1, externalMiB: 5 }] }, 'steps.0.gpu: there is no GPU 1 (the scenario has 1)'],
    [{ steps: [{ atMs: 0, gpu: -1 }] }, 'steps.0.gpu: step gpu must be 0 or more'],
  ])('%j → %s', (input, error) => {
    expect(parseScenario(input)).toEqual({ ok: false, error });
  });
});
