import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../electron/engine/simulation/scenario';
import { speechInScenario } from '../../../electron/engine/simulation/speechStandIn';

describe('the speech model in a scenario', () => {
  const parsed = parseScenario({
    models: [
      { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' },
      { id: 'stt', role: 'stt', sizeMiB: 400, prefer: 'gpu' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const { scenario } = parsed;

  it('takes the stand-in’s place: the stand-in is not loaded, the real GPU part counts its size', () => {
    const { scenario: rest, place } = speechInScenario(scenario);
    expect(rest.models.map((m) => m.id)).toEqual(['vad']);
    const real = { id: 'stt', role: 'stt', path: '/m/model.onnx', sizeMiB: 2, prefer: 'gpu' as const };
    expect(place(real)).toEqual({ ...real, sizeMiB: 400 });
    // A TDT decoder stays on the CPU at its own size; other roles are untouched.
    const decoder = { id: 'stt-decoder', role: 'stt', sizeMiB: 7, prefer: 'cpu' as const };
    expect(place(decoder)).toBe(decoder);
  });

  it('leaves a model alone when the scenario has no stand-in', () => {
    const { place } = speechInScenario({ ...scenario, models: [] });
    const real = { id: 'stt', role: 'stt', sizeMiB: 2, prefer: 'gpu' as const };
    expect(place(real)).toBe(real);
  });
});
