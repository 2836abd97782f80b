import { describe, expect, it } from 'vitest';
import { ControlledFactory, deferred, flush } from './fakes';
import { ManagerRig, STT } from './managerRig';

describe('MemoryManager: EMERGENCY comes first', () => {
  it('abandons a restore still loading and releases its half-built GPU session; no strike, nothing lost', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const r = new ManagerRig({ factory: () => factory, settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 7500)); // EMERGENCY: stt moves to the CPU (this factory takes no VRAM)
    r.at(2000, () => {
      r.gpu.externalMiB = 1000; // memory frees: a restore starts after the dwell…
      factory.createGate = deferred(); // …and its GPU load takes its time
    });
    r.at(3300, () => (r.gpu.externalMiB = 7600)); // EMERGENCY again, the restore still loading
    await r.start([STT]);
    // Not r.runTo: it waits for the manager's queue, which holds the gated restore.
    const runTo = (ms: number) => r.clock.runUntil(ms, () => flush());
    await runTo(3250);
    expect(r.manager.status().models[0]?.device).toBe('cpu');
    expect(r.host.gpuLoadsInFlight()).toEqual(['stt']);
    const served = r.run();
    await runTo(3500);
    const offloads = r.of('action').filter((a) => a.name === 'offload');
    expect(offloads.at(-1)).toMatchObject({ level: 'EMERGENCY', detail: 'abandoned the GPU load of stt' });
    expect(offloads.at(-1)?.ms).toBeLessThanOrEqual(100); // the confirming reading came 0 ms later
    factory.createGate?.resolve(undefined);
    factory.createGate = null;
    await r.runTo(3600);
    expect(r.device()).toBe('cpu');
    expect(factory.live().map((s) => s.device)).toEqual(['cpu']);
    expect(r.of('gpu-error')).toEqual([]);
    await expect(served).resolves.toMatchObject({ device: 'cpu' });
  });

  it('frees the GPU while the CPU standby is still building: VRAM back before the CPU copy is ready', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const r = new ManagerRig({ factory: () => factory, settings: { predictivePrewarm: false } });
    r.at(1000, () => {
      r.gpu.externalMiB = 6900; // CRITICAL (this factory takes no VRAM): the standby starts building…
      factory.createGate = deferred(); // …slowly
    });
    r.at(1300, () => (r.gpu.externalMiB = 7500)); // EMERGENCY 300 ms later, confirmed at 1400
    await r.start([STT]);
    await r.runTo(1500);
    expect(factory.sessions[0]).toMatchObject({ device: 'gpu', released: true });
    const offload = r.of('action').find((a) => a.name === 'offload');
    expect(offload?.tMs).toBe(1400);
    const waiting = r.run();
    factory.createGate?.resolve(undefined);
    factory.createGate = null;
    await r.runTo(1600);
    await expect(waiting).resolves.toMatchObject({ device: 'cpu' });
    const placement = r.of('placement').at(-1);
    expect(placement).toMatchObject({ from: 'gpu', to: 'cpu' });
    expect(placement?.releasedMs).toBeLessThanOrEqual(placement?.ms ?? -1);
  });

  it('reports what the offload freed, measured from the process memory the probe attributes', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 6500));
    await r.start([STT]);
    await r.runTo(1500);
    expect(r.of('action').find((a) => a.name === 'offload')?.freedMiB).toBe(1500);
    const cleanup = r.of('action').find((a) => a.name === 'light-cleanup');
    expect(cleanup?.freedMiB).toBe(0); // a GC gives back heap, not VRAM
    expect(typeof cleanup?.heapFreedMiB).toBe('number');
  });
});

describe('MemoryManager: predictive pre-warm and adaptive sampling', () => {
  /** 8000 MiB, stt 1500 on the GPU: other programs ramp up 2.5 %/s from 1000 MiB until they stop. */
  function ramp(r: ManagerRig, untilMiB: number): void {
    for (let t = 100; t <= 20_000; t += 100) {
      r.at(t, () => (r.gpu.externalMiB = Math.min(untilMiB, 1000 + t * 0.2)));
    }
  }

  it('builds the CPU copy before WARNING when the trend says EMERGENCY comes sooner than the build', async () => {
    const r = new ManagerRig();
    ramp(r, 7000);
    await r.start([STT]);
    await r.runTo(20_000);
    const prewarm = r.of('action').find((a) => a.name === 'prewarm-standby');
    const warning = r.levels().find((l) => l.startsWith('NORMAL->WARNING')) ?? '';
    expect(prewarm?.detail).toMatch(/EMERGENCY predicted in/);
    expect(prewarm?.tMs).toBeLessThan(Number(warning.split('@')[1]));
    expect(prewarm?.level).toBe('NORMAL');
  });

  it('does not pre-warm on a flat plateau, nor on a slow rise that will not reach EMERGENCY in time', async () => {
    const r = new ManagerRig({ externalMiB: 4000 });
    for (let t = 10_000; t <= 20_000; t += 100)
      r.at(t, () => (r.gpu.externalMiB = 4000 + (t - 10_000) * 0.01));
    await r.start([STT]);
    await r.runTo(20_000);
    expect(r.of('action').filter((a) => a.name === 'prewarm-standby')).toEqual([]);
  });

  it('samples faster near a threshold and back at the calm interval when usage settles away from it', async () => {
    const r = new ManagerRig({ settings: { intervalMs: 2000 } });
    r.at(4100, () => (r.gpu.externalMiB = 4600)); // 80 %: right at WARNING
    r.at(12_100, () => (r.gpu.externalMiB = 2000)); // 47.5 %: calm
    await r.start([STT]);
    await r.runTo(4000);
    expect(r.manager.status().samplingIntervalMs).toBe(2000);
    await r.runTo(9000);
    expect(r.manager.status().samplingIntervalMs).toBe(250);
    const fast = r.reads.filter((x) => x.tMs > 6000 && x.tMs <= 9000).length;
    expect(fast).toBeGreaterThanOrEqual(11);
    await r.runTo(20_000);
    expect(r.manager.status().samplingIntervalMs).toBe(2000);
    const calm = r.reads.filter((x) => x.tMs > 16_000 && x.tMs <= 20_000).length;
    expect(calm).toBeLessThanOrEqual(3);
  });
});
