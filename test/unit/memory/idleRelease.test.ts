import { describe, expect, it } from 'vitest';
import type { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import type { SessionFactory } from '../../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../../electron/engine/models/simulatedSessionFactory';
import { ManagerRig, STT } from './managerRig';

const MINUTE = 60_000;

describe('MemoryManager: idle release', () => {
  it('gives the GPU back after the idle time, serves the next utterance on the CPU at once, then moves back', async () => {
    const r = new ManagerRig({
      settings: { idleReleaseMinutes: 10, intervalMs: 1000, reportIntervalMs: 3_600_000 },
    });
    await r.start([STT]);
    r.manager.noteDictation('stopped'); // a dictation ended at t=0
    await r.runTo(9 * MINUTE);
    expect(r.device()).toBe('gpu');
    await r.runTo(10 * MINUTE + 2000);
    expect(r.device()).toBe('cpu');
    expect(r.host.view('stt').reason).toBe('released after 10 min idle: back on the GPU when you dictate');
    expect(r.gpu.ourMiB).toBe(0);
    // It stays released while nobody dictates: memory is low, yet no automatic restore.
    await r.runTo(20 * MINUTE);
    expect(r.device()).toBe('cpu');

    r.manager.noteDictation('listening');
    const first = await r.run(); // served at once, by the CPU copy
    expect(first.device).toBe('cpu');
    await r.runTo(20 * MINUTE + 2000);
    expect(r.device()).toBe('gpu');
    expect(r.placements().slice(-2)).toEqual([`gpu->cpu@${10 * MINUTE}`, `cpu->gpu@${20 * MINUTE + 1000}`]);
  });

  it('never releases during a dictation, and 0 means never', async () => {
    const during = new ManagerRig({ settings: { idleReleaseMinutes: 1, intervalMs: 1000 } });
    await during.start([STT]);
    during.manager.noteDictation('listening');
    await during.runTo(5 * MINUTE);
    expect(during.device()).toBe('gpu');
    during.manager.noteDictation('stopped');
    await during.runTo(6 * MINUTE + 2000);
    expect(during.device()).toBe('cpu');

    const never = new ManagerRig({ settings: { idleReleaseMinutes: 0, intervalMs: 1000 } });
    await never.start([STT]);
    await never.runTo(30 * MINUTE);
    expect(never.device()).toBe('gpu');
  });

  it('with idleUnload, frees the model entirely, loads its CPU copy when dictation starts, then goes back to the GPU', async () => {
    const live = { gpu: 0, cpu: 0 };
    const r = new ManagerRig({
      settings: { idleReleaseMinutes: 10, idleUnload: true, intervalMs: 1000, reportIntervalMs: 3_600_000 },
      factory: (gpu) => countingFactory(gpu, live),
    });
    await r.start([STT]);
    r.manager.noteDictation('stopped');
    await r.runTo(10 * MINUTE + 2000);
    expect(live).toEqual({ gpu: 0, cpu: 0 });
    expect(r.gpu.ourMiB).toBe(0);
    const status = r.manager.status().models.find((m) => m.id === 'stt');
    expect(status).toMatchObject({ unloaded: true, vramMiB: 0 });
    expect(status?.reason).toBe('unloaded after 10 min idle: loads again when you dictate');
    const action = r.of('action').find((a) => a.name === 'idle-release');
    expect(action?.detail).toBe('unloaded: stt');
    // Nothing loads it back while nobody dictates.
    await r.runTo(20 * MINUTE);
    expect(live).toEqual({ gpu: 0, cpu: 0 });

    r.manager.noteDictation('listening');
    const first = await r.run(); // waits only for the CPU copy that dictation started loading
    expect(first.outputs).toEqual({});
    await r.runTo(20 * MINUTE + 2000);
    expect(r.device()).toBe('gpu');
    expect(r.manager.status().models.find((m) => m.id === 'stt')?.unloaded).toBeUndefined();
    expect(live).toEqual({ gpu: 1, cpu: 0 });
  });
});

/** The simulated factory, counting the sessions alive per device: an unloaded model holds none. */
function countingFactory(gpu: SimulatedGpu, live: { gpu: number; cpu: number }): SessionFactory {
  const inner = createSimulatedSessionFactory(gpu, null);
  return {
    async create(model, device, lane) {
      const session = await inner.create(model, device, lane);
      live[device]++;
      return {
        ...session,
        run: (feeds) => session.run(feeds),
        release: async () => {
          live[device]--;
          await session.release();
        },
      };
    },
  };
}
