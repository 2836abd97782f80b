import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { ManagerRig, STT, VAD } from './managerRig';

/**
 * Issue 10: the memory manager does what a user expects. The real MemoryManager, ModelHost and SamplingLoop on
 * a virtual clock: 8000 MiB GPU, 300 reserved, other programs 1000 MiB unless a test says otherwise, stt
 * (1500 MiB) on the GPU, readings every 100 ms.
 */
const OOM = 'CUDA error: out of memory';

/** Other programs' memory for a usage with stt off the GPU: (300 + x) / 8000. */
const externalFor = (usage: number) => Math.round(usage * 8000 - 300);

describe('item 1: a threshold change re-classifies the level at once', () => {
  async function steady97() {
    const r = new ManagerRig({ settings: { cooldownMs: 30_000, predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // 97.5 % → EMERGENCY, stt offloaded
    r.at(1500, () => (r.gpu.externalMiB = externalFor(0.97))); // another program grows: a steady 97 %
    await r.start();
    await r.runTo(5000);
    expect(r.manager.level).toBe('EMERGENCY');
    return r;
  }

  const withEmergency = (r: ManagerRig, emergency: number) => ({
    ...r.manager.settingsSnapshot(),
    thresholds: { ...r.manager.settingsSnapshot().thresholds, emergency },
  });

  it.each([0.99, 0.985])(
    'at a steady 97 percent, raising emergency to %s gives CRITICAL at once',
    async (t) => {
      const r = await steady97();
      r.manager.updateSettings(withEmergency(r, t));
      expect(r.manager.level).toBe('CRITICAL');
      expect(r.levels().at(-1)).toBe('EMERGENCY->CRITICAL@5000');
      expect(r.manager.status().level).toBe('CRITICAL');
      // And it stays there: no offload repeated after the cooldown, Restore says why in MiB, not "the dwell".
      await r.runTo(70_000);
      expect(r.manager.level).toBe('CRITICAL');
      expect(r.of('action').filter((a) => a.name === 'offload')).toHaveLength(1);
      expect(r.manager.restoreBlocker()).toBe(
        'stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 240 MiB free',
      );
    },
  );

  it('lowering a threshold still climbs (EMERGENCY confirmed by a reading 100 ms later)', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 5400)); // 7200 / 8000 = 90 %: CRITICAL
    await r.start();
    await r.runTo(2000);
    r.manager.updateSettings(withEmergency(r, 0.9));
    expect(r.manager.level).toBe('CRITICAL');
    await r.runTo(2100);
    expect(r.levels().at(-1)).toBe('CRITICAL->EMERGENCY@2100');
    expect(r.device()).toBe('cpu');
  });

  it('a change that moves no threshold leaves a recovery dwell alone', async () => {
    const r = new ManagerRig({ settings: { recoveryDwellMs: 10_000, predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY, offload → 78.75 %
    await r.start();
    await r.runTo(3000);
    r.manager.updateSettings({ ...r.manager.settingsSnapshot(), headroomMiB: 300 });
    expect(r.manager.level).toBe('EMERGENCY');
  });
});

describe('item 2: Restore to GPU during EMERGENCY works once the model fits', () => {
  it('usage back at 60 %, the level still dwelling at EMERGENCY: Restore moves stt back', async () => {
    const r = new ManagerRig({ settings: { recoveryDwellMs: 10_000, predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY, offload
    r.at(2000, () => (r.gpu.externalMiB = externalFor(0.6))); // 60 %
    await r.start();
    await r.runTo(3000);
    expect(r.manager.level).toBe('EMERGENCY');
    expect(r.manager.restoreBlocker()).toBeNull();
    await expect(r.manager.restore()).resolves.toMatchObject({ ok: true, moved: ['stt'] });
    expect(r.device()).toBe('gpu');
    // The EMERGENCY it dwells in does not take the model away again; 78.75 % with stt is WARNING.
    await r.runTo(20_000);
    expect(r.device()).toBe('gpu');
    expect(r.levels().slice(3)).toEqual(['EMERGENCY->WARNING@11100']);
    expect(r.of('action').filter((a) => a.name === 'offload')).toHaveLength(1);
  });

  it('still refused while usage itself is at EMERGENCY, with the reading', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = externalFor(0.97)));
    await r.start();
    await r.runTo(2000);
    expect(r.manager.restoreBlocker()).toBe('GPU memory is at the EMERGENCY level (97.0% used)');
  });
});

describe('item 3: no restore and no admission on a stale reading', () => {
  it('while the probe fails, Restore is refused with that reason and nothing loads on the GPU', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    await r.start();
    await r.manager.offload();
    r.at(1000, () => (r.gpu.probeFailure = true));
    r.at(1200, () => (r.gpu.externalMiB = 6200)); // 100 MiB would be free after stt: unseen
    await r.runTo(1500);
    const blocker = r.manager.restoreBlocker();
    expect(blocker).toMatch(/^the GPU monitor is failing \(.*\): free memory is unknown$/);
    expect(r.manager.status().restoreBlocker).toBe(blocker);
    await expect(r.manager.restore()).resolves.toMatchObject({ ok: false, moved: [] });
    expect(r.device()).toBe('cpu');
    expect(r.of('gpu-error')).toEqual([]);
    expect(r.of('refused').at(-1)?.reason).toBe(blocker);
  });

  it('a reading older than two sampling intervals: Restore waits, and a new model loads on the CPU', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    await r.start([VAD, STT]);
    await r.manager.offload();
    r.loop.stop(); // the engine's readings stop arriving
    await r.runTo(1000);
    expect(r.manager.restoreBlocker()).toMatch(
      /^the last GPU reading is 1\.0 s old: waiting for a current one$/,
    );
    await expect(r.manager.restore()).resolves.toMatchObject({ ok: false, moved: [] });
    const aux: ModelSpec = { id: 'aux', role: 'aux', sizeMiB: 100, prefer: 'gpu' };
    await r.manager.load(aux);
    expect(r.host.view('aux')).toMatchObject({
      device: 'cpu',
      reason: 'admission: the last GPU reading is 1.0 s old: waiting for a current one',
    });
    // Readings again: Restore works.
    r.loop.start();
    await r.runTo(1100);
    expect(r.manager.restoreBlocker()).toBeNull();
  });

  it('no automatic restore on a stale reading either', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY, offload
    r.at(1500, () => {
      r.gpu.externalMiB = 1000; // memory frees…
      r.gpu.probeFailure = true; // …but the monitor cannot see it
    });
    await r.start();
    await r.runTo(10_000);
    expect(r.device()).toBe('cpu');
  });
});

describe('item 4: GPU error strikes expire', () => {
  it('three out-of-memory errors 11 minutes apart never make the CPU fallback permanent', async () => {
    const r = new ManagerRig({ settings: { intervalMs: 5000, predictivePrewarm: false } });
    const minute = 60_000;
    for (const at of [1000, 11 * minute, 22 * minute]) r.at(at, () => r.gpu.injectError(OOM));
    for (const at of [1000, 11 * minute, 22 * minute]) r.at(at + 1, () => void r.run());
    await r.start();
    await r.runTo(23 * minute);
    expect(r.of('gpu-error').map((e) => [e.count, e.inWindow])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(r.of('permanent-cpu')).toEqual([]);
    expect(r.manager.status()).toMatchObject({
      permanentCpu: false,
      gpuErrors: { count: 3, inWindow: 1, limit: 3, windowMs: 600_000 },
    });
    expect(r.device()).toBe('gpu');
    // Ten minutes later the last strike has left the window too.
    await r.runTo(33 * minute);
    expect(r.manager.status().gpuErrors.inWindow).toBe(0);
  });

  it('three within the window still make it permanent, until Restore clears them', async () => {
    const r = new ManagerRig({ settings: { gpuErrorWindowMs: 60_000 } });
    await r.start();
    for (const at of [1000, 20_000, 59_000]) r.at(at, () => r.manager.recordGpuError('oom', OOM, null, null));
    await r.runTo(60_000);
    expect(r.of('permanent-cpu').map((e) => `${String(e.on)}@${e.tMs}`)).toEqual(['true@59000']);
    // Expiring strikes do not end the fallback: only the user's Restore does.
    await r.runTo(200_000);
    expect(r.manager.status()).toMatchObject({ permanentCpu: true, gpuErrors: { count: 3, inWindow: 0 } });
    await expect(r.manager.restore()).resolves.toMatchObject({ ok: true });
    expect(r.manager.status()).toMatchObject({ permanentCpu: false, gpuErrors: { count: 0, inWindow: 0 } });
  });
});

describe('item 5: recovery takes one dwell, not one per level', () => {
  it('EMERGENCY, offload to 78.75 %, then 60 % at 3 s: NORMAL and stt back one dwell later (13 s)', async () => {
    const r = new ManagerRig({ settings: { recoveryDwellMs: 10_000, predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY, offload → 78.75 %
    r.at(3000, () => (r.gpu.externalMiB = externalFor(0.6))); // 60 %
    await r.start();
    await r.runTo(25_000);
    // Below CRITICAL since the offload (1.1 s), below WARNING since 3 s: each threshold's own dwell.
    expect(r.levels().slice(3)).toEqual(['EMERGENCY->WARNING@11100', 'WARNING->NORMAL@13000']);
    expect(r.placements()).toEqual(['new->gpu@0', 'gpu->cpu@1100', 'cpu->gpu@13000']);
  });
});

describe('item 7: the speech model goes to the GPU first', () => {
  it('Restore moves stt before a listed-first auxiliary model that would take its room', async () => {
    const aux: ModelSpec = { id: 'aux', role: 'aux', sizeMiB: 600, prefer: 'gpu' };
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    await r.start([aux, STT]);
    await r.manager.offload();
    r.at(1000, () => (r.gpu.externalMiB = 5500)); // 2200 MiB free: stt (1500 + 256) or aux, not both
    await r.runTo(2000);
    const result = await r.manager.restore();
    expect(result.moved).toEqual(['stt']);
    expect(result.reasons).toEqual(['aux needs ~600 MiB on the GPU plus 256 MiB headroom, 700 MiB free']);
    expect([r.device('stt'), r.device('aux')]).toEqual(['gpu', 'cpu']);
  });
});

describe('item 8: a short spike does not confirm itself', () => {
  it('a 1 ms spike to 100 % is over by the confirming reading 100 ms later: no offload', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 7000));
    r.at(1001, () => (r.gpu.externalMiB = 1000));
    await r.start();
    await r.runTo(3000);
    expect(r.of('action').map((a) => a.name)).not.toContain('offload');
    expect(r.levels()).not.toContain('CRITICAL->EMERGENCY@1000');
    expect(r.device()).toBe('gpu');
    expect(r.reads.filter((x) => x.tMs === 1100)).toHaveLength(2); // the confirming reading and the loop's
  });

  it('a lasting one is confirmed at the configured delay', async () => {
    const r = new ManagerRig({ settings: { emergencyConfirmMs: 250, predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 7000));
    await r.start();
    await r.runTo(2000);
    expect(r.of('level').find((e) => e.to === 'EMERGENCY')?.tMs).toBe(1250);
    expect(r.device()).toBe('cpu');
  });
});
