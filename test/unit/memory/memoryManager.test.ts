import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { ControlledFactory } from './fakes';
import { ManagerRig, STT, VAD } from './managerRig';

const OOM = 'CUDA error: out of memory';

describe('MemoryManager: levels, actions and callbacks', () => {
  /** 8000 MiB GPU, 300 reserved, stt (1500) on the GPU, other programs' memory scripted. */
  async function climbAndRecover() {
    // The reactive rules alone: the trend's early pre-warm has its own tests.
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    r.at(1000, () => (r.gpu.externalMiB = 4800)); // 6600 / 8000 = 82.5%
    r.at(2000, () => (r.gpu.externalMiB = 5500)); // 91.25%
    r.at(3000, () => (r.gpu.externalMiB = 6000)); // 97.5% → offload → 78.75%
    r.at(5000, () => (r.gpu.externalMiB = 1000)); // 16.25%
    await r.start();
    return r;
  }

  it('each level fires its callback with the status, in order', async () => {
    const r = await climbAndRecover();
    await r.runTo(7000);
    expect(r.callbacks.map((c) => `${c.name}@${c.tMs}`)).toEqual([
      'warning@1000',
      'critical@2000',
      'emergency@3100',
      'warning@4100',
      'normal@6000',
    ]);
    expect(r.callbacks.map((c) => c.status.level)).toEqual([
      'WARNING',
      'CRITICAL',
      'EMERGENCY',
      'WARNING',
      'NORMAL',
    ]);
    expect(r.callbacks[0]?.status.usage).toBeCloseTo(0.825, 6);
    expect(r.levels()).toEqual([
      'NORMAL->WARNING@1000',
      'WARNING->CRITICAL@2000',
      'CRITICAL->EMERGENCY@3100',
      'EMERGENCY->WARNING@4100',
      'WARNING->NORMAL@6000',
    ]);
  });

  it('runs the actions of each level: cleanup, aggressive cleanup + standby, offload', async () => {
    const r = await climbAndRecover();
    await r.runTo(3100);
    expect(r.of('action').map((a) => `${a.name}:${a.level}@${a.tMs}`)).toEqual([
      'light-cleanup:WARNING@1000',
      'aggressive-cleanup:CRITICAL@2000',
      'prewarm-standby:CRITICAL@2000',
      'offload:EMERGENCY@3100',
    ]);
    expect(r.of('action').find((a) => a.name === 'prewarm-standby')?.detail).toBe('stt: CPU standby ready');
    expect(r.of('action').find((a) => a.name === 'offload')?.detail).toBe('released stt from the GPU');
    // The offload swapped to the pre-warmed standby and freed the VRAM.
    expect(r.placements()).toEqual(['new->gpu@0', 'gpu->cpu@3100']);
    expect(r.host.view('stt')).toMatchObject({
      device: 'cpu',
      standby: false,
      reason: 'EMERGENCY: GPU usage 97.5%',
    });
    expect(r.gpu.ourMiB).toBe(0);
  });

  it('the EMERGENCY is confirmed by a second reading emergencyConfirmMs (100 ms) after the first', async () => {
    const r = await climbAndRecover();
    await r.runTo(3100);
    expect(r.reads.filter((x) => x.tMs === 3000)).toHaveLength(1);
    // The confirming reading asked for, and the loop's own at the same time.
    expect(r.reads.filter((x) => x.tMs === 3100)).toHaveLength(2);
    expect(r.of('level').find((e) => e.to === 'EMERGENCY')?.tMs).toBe(3100);
  });

  it('a single spike reading does not offload', async () => {
    const r = new ManagerRig();
    await r.start();
    // One reading of 8800 / 8000 (capped at 100%); the confirming reading 100 ms later sees 35% again, which
    // also starts the recovery dwell.
    r.at(1000, () => (r.spikeExternalMiB = 7000));
    await r.runTo(5000);
    expect(r.levels()).toEqual(['NORMAL->WARNING@1000', 'WARNING->CRITICAL@1000', 'CRITICAL->NORMAL@2100']);
    expect(r.callbacks.map((c) => c.name)).not.toContain('emergency');
    expect(r.of('action').map((a) => a.name)).not.toContain('offload');
    expect(r.placements()).toEqual(['new->gpu@0']);
    expect(r.device()).toBe('gpu');
  });

  it('repeats the level actions after the cooldown while the level persists', async () => {
    const r = new ManagerRig({ settings: { cooldownMs: 1000, predictivePrewarm: false } });
    r.at(500, () => (r.gpu.externalMiB = 4800));
    await r.start();
    await r.runTo(3200);
    expect(r.of('action').map((a) => `${a.name}@${a.tMs}`)).toEqual([
      'light-cleanup@500',
      'light-cleanup@1500',
      'light-cleanup@2500',
    ]);
  });

  it('a throwing callback is reported and does not stop memory protection', async () => {
    const r = new ManagerRig({ settings: { predictivePrewarm: false } });
    const seen: string[] = [];
    r.manager.on('warning', () => {
      throw new Error('listener broke');
    });
    r.manager.on('warning', (s) => seen.push(s.level));
    r.at(1000, () => (r.gpu.externalMiB = 4800));
    await r.start();
    await r.runTo(1500);
    expect(seen).toEqual(['WARNING']);
    expect(r.of('failure')).toEqual([
      { type: 'failure', during: 'the warning callback', message: 'Error: listener broke', tMs: 1000 },
    ]);
    expect(r.of('action').map((a) => a.name)).toEqual(['light-cleanup']);
    expect(r.manager.level).toBe('WARNING');
  });
});

describe('MemoryManager: loading (admission)', () => {
  it('loads a GPU model on the GPU when it fits, a CPU model on the CPU', async () => {
    const r = new ManagerRig();
    await r.start();
    expect(r.host.view('stt')).toMatchObject({ device: 'gpu', reason: 'prefers the GPU; 6700 MiB free' });
    expect(r.host.view('vad')).toMatchObject({ device: 'cpu', reason: 'vad runs best on the CPU' });
  });

  it('loads on the CPU with the reason when free − estimate < headroom', async () => {
    const r = new ManagerRig({ externalMiB: 6500 });
    await r.start();
    expect(r.host.view('stt')).toMatchObject({
      device: 'cpu',
      reason: 'admission: stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 1200 MiB free',
    });
    expect(r.gpu.ourMiB).toBe(0);
  });

  it('loads on the CPU when the user prefers it or there is no GPU provider', async () => {
    const cpu = new ManagerRig({ settings: { devicePreference: 'cpu' } });
    await cpu.start([STT]);
    expect(cpu.host.view('stt')).toMatchObject({ device: 'cpu', reason: 'device preference is CPU' });
    const none = new ManagerRig({ gpuAvailable: false });
    await none.start([STT]);
    expect(none.host.view('stt')).toMatchObject({
      device: 'cpu',
      reason: 'no GPU execution provider is available',
    });
  });

  it('a GPU load failing with a GPU error counts a strike and lands on the CPU', async () => {
    const r = new ManagerRig({
      factory: () => {
        const f = new ControlledFactory();
        f.mode = 'instant';
        f.failCreate = { device: 'gpu', error: new Error(OOM), times: 1 };
        return f;
      },
    });
    await r.start([STT]);
    expect(r.host.view('stt')).toMatchObject({ device: 'cpu', reason: `GPU load failed (oom): ${OOM}` });
    expect(r.of('gpu-error')).toMatchObject([
      { kind: 'oom', count: 1, limit: 3, retriedOn: 'cpu', model: 'stt' },
    ]);
  });

  it('a GPU load failing with an ordinary error rejects the load', async () => {
    const r = new ManagerRig({
      factory: () => {
        const f = new ControlledFactory();
        f.failCreate = { device: 'gpu', error: new Error('model file is corrupt'), times: 1 };
        return f;
      },
    });
    r.manager.onSample(r.gpu.sample(0));
    await expect(r.manager.load(STT)).rejects.toThrow('model file is corrupt');
    expect(r.host.has('stt')).toBe(false);
    expect(r.of('gpu-error')).toEqual([]);
  });
});

describe('MemoryManager: automatic restore', () => {
  it('happens only after usage stayed at or below the restore threshold for the dwell', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY → offload
    r.at(2000, () => (r.gpu.externalMiB = 5400)); // 5700 / 8000 = 71%: NORMAL, but above restore (60%)
    r.at(5000, () => (r.gpu.externalMiB = 4000)); // 4300 / 8000 = 53.75% ≤ 60%
    await r.start();
    await r.runTo(5900);
    expect(r.manager.level).toBe('NORMAL');
    expect(r.device()).toBe('cpu');
    await r.runTo(6000);
    expect(r.placements()).toEqual(['new->gpu@0', 'gpu->cpu@1100', 'cpu->gpu@6000']);
    expect(r.host.view('stt').reason).toBe('memory recovered (GPU usage 53.8%)');
    expect(r.gpu.ourMiB).toBe(1500);
  });

  it('waits while the model would take usage to the warning threshold, then restores when it fits', async () => {
    const big: ModelSpec = { ...STT, sizeMiB: 2000 };
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY → offload (6300 / 8000)
    r.at(2000, () => (r.gpu.externalMiB = 4400)); // 4700 / 8000 = 58.75% ≤ 60%, but 4700 + 2000 = 83.75%
    r.at(8000, () => (r.gpu.externalMiB = 3000)); // 3300 + 2000 = 66%
    await r.start([big]);
    await r.runTo(7900);
    expect(r.device()).toBe('cpu');
    expect(r.manager.level).toBe('NORMAL');
    // A manual restore would be allowed (below emergency): only the automatic one holds back.
    expect(r.manager.restoreBlocker()).toBeNull();
    await r.runTo(8000);
    expect(r.placements()).toEqual(['new->gpu@0', 'gpu->cpu@1100', 'cpu->gpu@8000']);
  });

  it('does not restore while an utterance is in flight', async () => {
    const factory = new ControlledFactory();
    const r = new ManagerRig({ factory: () => factory });
    r.at(1000, () => (r.gpu.externalMiB = 7000)); // the fake sessions take no VRAM: 7300 / 8000 = 91%...
    r.at(1100, () => (r.gpu.externalMiB = 7500)); // ...then 97.5%: EMERGENCY → offload
    r.at(2000, () => (r.gpu.externalMiB = 1000));
    await r.start([STT]);
    await r.runTo(1500);
    expect(r.device()).toBe('cpu');
    const cpuSession = factory.live().find((s) => s.device === 'cpu');
    if (!cpuSession) throw new Error('no CPU session');
    const utterance = r.run();
    await r.runTo(5000);
    expect(r.device()).toBe('cpu');
    factory.resolveRuns(cpuSession);
    await expect(utterance).resolves.toMatchObject({ device: 'cpu' });
    await r.runTo(5100);
    expect(r.device()).toBe('gpu');
    expect(r.placements().at(-1)).toBe('cpu->gpu@5100');
  });

  it('a failed restore backs off exponentially (5 s, then 10 s)', async () => {
    const gpuAttempts: number[] = [];
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const r: ManagerRig = new ManagerRig({
      externalMiB: 6500, // stt is admitted to the CPU only
      factory: () => ({
        create: (m, d) => {
          if (d === 'gpu') gpuAttempts.push(r.clock.now());
          return factory.create(m, d);
        },
      }),
    });
    r.at(1000, () => (r.gpu.externalMiB = 1000));
    await r.start([STT]);
    expect(r.device()).toBe('cpu');
    factory.failCreate = { device: 'gpu', error: new Error('driver refused the context'), times: 2 };
    await r.runTo(20_000);
    expect(gpuAttempts).toEqual([2000, 7000, 17_000]);
    expect(r.placements()).toEqual(['new->cpu@0', 'cpu->gpu@17000']);
    // Not GPU errors: no strikes.
    expect(r.of('gpu-error')).toEqual([]);
    // Automatic attempts are not user commands: nothing is "refused".
    expect(r.of('refused')).toEqual([]);
  });

  it('a restore failing with a GPU error counts a strike (not retried on the CPU: nothing ran)', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const r = new ManagerRig({ externalMiB: 6500, factory: () => factory });
    r.at(1000, () => (r.gpu.externalMiB = 1000));
    await r.start([STT]);
    factory.failCreate = { device: 'gpu', error: new Error(OOM), times: 1 };
    await r.runTo(2500);
    expect(r.of('gpu-error')).toMatchObject([{ kind: 'oom', count: 1, retriedOn: null, model: 'stt' }]);
    expect(r.device()).toBe('cpu');
  });
});

describe('MemoryManager: GPU errors and the 3-strike permanent CPU fallback', () => {
  /** stt on the GPU with plenty of free memory; each strike is a request whose GPU run fails. */
  async function strike(r: ManagerRig, untilMs: number) {
    expect(r.device()).toBe('gpu');
    r.gpu.injectError(OOM);
    const result = await r.run();
    expect(result).toMatchObject({ device: 'cpu', retriedOnCpu: true });
    await r.runTo(untilMs);
  }

  it('a GPU error retries the request on the CPU and counts one strike', async () => {
    const r = new ManagerRig();
    await r.start();
    await strike(r, 50);
    expect(r.of('gpu-error')).toMatchObject([
      { kind: 'oom', count: 1, limit: 3, retriedOn: 'cpu', model: 'stt', message: OOM },
    ]);
    expect(r.manager.status().gpuErrors).toEqual({ count: 1, limit: 3, inWindow: 1, windowMs: 600_000 });
    expect(r.manager.status().permanentCpu).toBe(false);
    expect(r.device()).toBe('cpu');
  });

  it('3 GPU errors: permanent-cpu event, emergency_shutdown callback, model on the CPU, no automatic restore', async () => {
    const r = new ManagerRig();
    await r.start();
    await strike(r, 4000);
    // A GPU that just failed gets a backoff (5 s, then 10 s) before the model goes back by itself.
    expect(r.device()).toBe('cpu');
    await r.runTo(6000);
    expect(r.device()).toBe('gpu');
    await strike(r, 17_000);
    expect(r.device()).toBe('gpu');
    expect(r.callbacks.map((c) => c.name)).not.toContain('emergency_shutdown');
    await strike(r, 18_000);

    expect(r.of('gpu-error').map((e) => e.count)).toEqual([1, 2, 3]);
    expect(r.of('permanent-cpu')).toMatchObject([{ on: true }]);
    const shutdown = r.callbacks.filter((c) => c.name === 'emergency_shutdown');
    expect(shutdown).toHaveLength(1);
    expect(shutdown[0]?.status).toMatchObject({ permanentCpu: true, gpuErrors: { count: 3, limit: 3 } });
    expect(r.device()).toBe('cpu');
    expect(r.gpu.ourMiB).toBe(0);

    // Memory is free for a long time: still on the CPU.
    const before = r.placements().length;
    await r.runTo(400_000);
    expect(r.device()).toBe('cpu');
    expect(r.placements()).toHaveLength(before);
    expect(r.manager.status()).toMatchObject({
      level: 'NORMAL',
      permanentCpu: true,
      gpuErrors: { count: 3 },
    });
    // Requests are still served, on the CPU.
    await expect(r.run()).resolves.toMatchObject({ device: 'cpu', retriedOnCpu: false });
  });

  it('a manual restore clears the fallback: strikes back to 0, model on the GPU', async () => {
    const r = new ManagerRig();
    await r.start();
    for (const t of [6000, 17_000, 18_000]) await strike(r, t);
    expect(r.manager.status().permanentCpu).toBe(true);
    expect(r.manager.restoreBlocker()).toBeNull();

    const result = await r.manager.restore();
    await r.settle();
    expect(result).toEqual({ ok: true, reasons: [], moved: ['stt'] });
    expect(r.of('permanent-cpu').map((e) => e.on)).toEqual([true, false]);
    expect(r.manager.status()).toMatchObject({ permanentCpu: false, gpuErrors: { count: 0, limit: 3 } });
    expect(r.host.view('stt')).toMatchObject({ device: 'gpu', reason: 'restored by the user' });

    // Counting starts again from 1.
    await strike(r, 4000);
    expect(r.of('gpu-error').at(-1)?.count).toBe(1);
    expect(r.manager.status().permanentCpu).toBe(false);
  });

  it('errors the device reports with nothing on the GPU count too', async () => {
    const r = new ManagerRig({ settings: { gpuErrorLimit: 2 } });
    await r.start([VAD]);
    r.manager.recordGpuError('device-lost', 'VK_ERROR_DEVICE_LOST', null, null);
    r.manager.recordGpuError('device-lost', 'VK_ERROR_DEVICE_LOST', null, null);
    r.manager.recordGpuError('device-lost', 'VK_ERROR_DEVICE_LOST', null, null);
    await r.settle();
    expect(r.of('gpu-error').map((e) => `${e.count}/${e.limit}`)).toEqual(['1/2', '2/2', '3/2']);
    // Entered once.
    expect(r.of('permanent-cpu')).toHaveLength(1);
    expect(r.callbacks.filter((c) => c.name === 'emergency_shutdown')).toHaveLength(1);
  });

  it('in permanent CPU mode a new GPU model loads on the CPU', async () => {
    const r = new ManagerRig({ settings: { gpuErrorLimit: 1 } });
    await r.start([VAD]);
    r.manager.recordGpuError('oom', OOM, null, null);
    await r.manager.load(STT);
    expect(r.host.view('stt')).toMatchObject({
      device: 'cpu',
      reason: 'permanent CPU fallback after repeated GPU errors',
    });
  });
});

describe('MemoryManager: manual commands', () => {
  it('a refused manual restore changes nothing and gives the reason', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 6000)); // EMERGENCY → offload; then 6300 used, 1700 free
    await r.start();
    await r.runTo(2500);
    expect(r.manager.level).toBe('WARNING');
    expect(r.device()).toBe('cpu');
    const reason = 'stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 1700 MiB free';
    expect(r.manager.restoreBlocker()).toBe(reason);
    const before = r.manager.status();
    const eventsBefore = r.events.length;

    const result = await r.manager.restore();
    await r.settle();
    expect(result).toEqual({ ok: false, reasons: [reason], moved: [] });
    expect(r.manager.status()).toEqual(before);
    expect(r.events.slice(eventsBefore)).toEqual([
      { type: 'refused', command: 'restore', reason, tMs: 2500 },
    ]);
  });

  it('a refused manual restore keeps the strikes and the fallback', async () => {
    const r = new ManagerRig({ settings: { gpuErrorLimit: 1 } });
    await r.start();
    r.gpu.injectError(OOM);
    await r.run();
    await r.runTo(500);
    expect(r.manager.status().permanentCpu).toBe(true);
    r.at(600, () => (r.gpu.externalMiB = 6500)); // 1200 free
    await r.runTo(700);
    const result = await r.manager.restore();
    expect(result.ok).toBe(false);
    expect(result.reasons[0]).toMatch(/MiB free$/);
    expect(r.manager.status()).toMatchObject({ permanentCpu: true, gpuErrors: { count: 1, limit: 1 } });
    expect(r.of('permanent-cpu').map((e) => e.on)).toEqual([true]);
  });

  it('manual restore is refused at EMERGENCY', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 7500)); // 7800 / 8000 even without stt
    await r.start();
    await r.runTo(1500);
    expect(r.manager.level).toBe('EMERGENCY');
    const result = await r.manager.restore();
    expect(result).toEqual({
      ok: false,
      reasons: ['GPU memory is at the EMERGENCY level (97.5% used)'],
      moved: [],
    });
  });

  it('restore with every GPU model already on the GPU is refused with that reason', async () => {
    const r = new ManagerRig();
    await r.start();
    expect(r.manager.restoreBlocker()).toBe('every model that prefers the GPU is already on it');
    const result = await r.manager.restore();
    expect(result).toEqual({
      ok: false,
      reasons: ['every model that prefers the GPU is already on it'],
      moved: [],
    });
  });

  it('manual offload pins the model to the CPU until Restore', async () => {
    const r = new ManagerRig();
    await r.start();
    const result = await r.manager.offload();
    await r.settle();
    expect(result).toEqual({ ok: true, reasons: [], moved: ['stt'] });
    expect(r.host.view('stt')).toMatchObject({ device: 'cpu', reason: 'offloaded by the user' });
    expect(r.manager.status().pinnedByUser).toBe(true);
    expect(r.gpu.ourMiB).toBe(0);

    await r.runTo(30_000);
    expect(r.device()).toBe('cpu');
    expect(r.placements()).toEqual(['new->gpu@0', 'gpu->cpu@0']);
    expect(r.manager.restoreBlocker()).toBeNull();

    const restored = await r.manager.restore();
    await r.settle();
    expect(restored).toEqual({ ok: true, reasons: [], moved: ['stt'] });
    expect(r.device()).toBe('gpu');
    expect(r.manager.status().pinnedByUser).toBe(false);
  });

  it('offload with nothing on the GPU is refused and pins nothing', async () => {
    const r = new ManagerRig({ externalMiB: 6500 });
    await r.start();
    const result = await r.manager.offload();
    expect(result).toEqual({ ok: false, reasons: ['no model is on the GPU'], moved: [] });
    expect(r.of('refused')).toMatchObject([{ command: 'offload', reason: 'no model is on the GPU' }]);
    expect(r.manager.status().pinnedByUser).toBe(false);
  });

  // BUG (electron/engine/memory/memoryManager.ts, restoreAll): after each restore attempt the last reading is
  // charged with the model's estimate (`projectLoad`) even when the load failed, so a failed restore of one model
  // makes the next model look like it does not fit (and status() reports memory that nobody took).
  it('a failed restore of one model does not count its memory against the next one', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const a: ModelSpec = { id: 'a', role: 'stt', sizeMiB: 3000, prefer: 'gpu' };
    const b: ModelSpec = { id: 'b', role: 'llm', sizeMiB: 2000, prefer: 'gpu' };
    const r = new ManagerRig({ externalMiB: 2500, factory: () => factory }); // 2800 used, 5200 free
    await r.start([a, b]);
    await r.manager.offload();
    await r.runTo(500);
    factory.failCreate = { device: 'gpu', error: new Error('driver refused the context'), times: 1 };
    const result = await r.manager.restore();
    // a fails for its own reason; b (2000 MiB of 5200 free) must still be restored.
    expect(result.moved).toEqual(['b']);
    expect(result.reasons).toEqual(['a could not be loaded on the GPU: driver refused the context']);
  });

  it('status() after a failed restore reports the memory really used', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const r = new ManagerRig({ factory: () => factory });
    await r.start([STT]);
    await r.manager.offload();
    await r.runTo(500);
    factory.failCreate = { device: 'gpu', error: new Error('driver refused the context'), times: 1 };
    const result = await r.manager.restore();
    expect(result.ok).toBe(false);
    expect(r.manager.status().usedMiB).toBe(r.gpu.usedMiB);
  });
});

describe('MemoryManager: a probe failing mid-run', () => {
  it('is reported once, retried with backoff, recovers, and never throws', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.probeFailure = true));
    r.at(1950, () => (r.gpu.probeFailure = false));
    await r.start();
    await r.runTo(1500);
    expect(r.manager.status().probe).toEqual({
      kind: 'simulated',
      ok: false,
      error: 'simulated probe failure: the driver did not answer',
    });
    await r.runTo(2800);

    const attempts = r.reads.filter((x) => x.tMs >= 900).map((x) => `${x.tMs}${x.ok ? '' : '!'}`);
    // Fails at 1000; retries after 100, 200, 400 ms fail; the one after 800 ms succeeds; then the cadence resumes.
    expect(attempts).toEqual(['900', '1000!', '1100!', '1300!', '1700!', '2500', '2600', '2700', '2800']);
    expect(r.retryDelays).toEqual([100, 200, 400, 800]);
    expect(r.of('probe')).toEqual([
      { type: 'probe', ok: false, error: 'simulated probe failure: the driver did not answer', tMs: 1000 },
      { type: 'probe', ok: true, tMs: 2500 },
    ]);
    expect(r.manager.status().probe).toEqual({ kind: 'simulated', ok: true });
    expect(r.manager.status().lastSampleAtMs).toBe(2800);
  });

  it('a second failure after recovery is reported again and backs off from the start', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.probeFailure = true));
    r.at(1050, () => (r.gpu.probeFailure = false));
    r.at(2000, () => (r.gpu.probeFailure = true));
    r.at(2050, () => (r.gpu.probeFailure = false));
    await r.start();
    await r.runTo(3000);
    expect(r.of('probe').map((e) => `${e.ok ? 'ok' : 'fail'}@${e.tMs}`)).toEqual([
      'fail@1000',
      'ok@1100',
      'fail@2000',
      'ok@2100',
    ]);
    expect(r.retryDelays).toEqual([100, 100]);
  });

  it('keeps protecting the models through the outage', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.probeFailure = true));
    r.at(1200, () => {
      r.gpu.probeFailure = false;
      r.gpu.externalMiB = 6000;
    });
    await r.start();
    await r.runTo(2000);
    expect(r.device()).toBe('cpu');
    expect(r.of('level').map((e) => e.to)).toContain('EMERGENCY');
  });
});

describe('MemoryManager: the status report', () => {
  it('report() gives the status block and emits it', async () => {
    const r = new ManagerRig();
    await r.start();
    const text = r.manager.report();
    expect(text).toBe(
      [
        '=== Swictation GPU memory status ===',
        'Level:            NORMAL',
        'GPU:              Test GPU (GPU 0): 2800 / 8000 MiB used (35.0%), 5200 MiB free, 300 MiB reserved',
        'Probe:            simulated',
        'Models on GPU:    stt (simulated-gpu, 1500 MiB)',
        'Models on CPU:    vad — vad runs best on the CPU',
        'GPU errors:       0/3 in the last 10 min (0 since the last Restore)',
        'CPU fallback:     no',
      ].join('\n'),
    );
    expect(r.of('report')).toEqual([{ type: 'report', text, tMs: 0 }]);
  });

  it('shows pressure, offloaded models, strikes and the fallback', async () => {
    const r = new ManagerRig();
    r.at(1000, () => (r.gpu.externalMiB = 6000));
    await r.start();
    await r.runTo(2500);
    r.manager.recordGpuError('oom', OOM, null, null);
    r.manager.recordGpuError('oom', OOM, null, null);
    r.manager.recordGpuError('oom', OOM, null, null);
    await r.runTo(2600);
    expect(r.manager.report().split('\n')).toEqual([
      '=== Swictation GPU memory status ===',
      'Level:            WARNING',
      'GPU:              Test GPU (GPU 0): 6300 / 8000 MiB used (78.8%), 1700 MiB free, 300 MiB reserved',
      'Probe:            simulated',
      'Models on GPU:    none',
      'Models on CPU:    vad — vad runs best on the CPU; stt — EMERGENCY: GPU usage 97.5%',
      'GPU errors:       3/3 in the last 10 min (3 since the last Restore)',
      'CPU fallback:     PERMANENT until Restore to GPU',
    ]);
  });

  it('shows a failing probe and a user pin', async () => {
    const r = new ManagerRig();
    await r.start();
    await r.manager.offload();
    r.at(1000, () => (r.gpu.probeFailure = true));
    await r.runTo(1000);
    const lines = r.manager.report().split('\n');
    expect(lines[3]).toBe(
      'Probe:            simulated — FAILING: simulated probe failure: the driver did not answer',
    );
    expect(lines[7]).toBe('CPU fallback:     pinned by the user until Restore to GPU');
  });

  it('with no reading yet there is no GPU line', () => {
    const r = new ManagerRig();
    expect(r.manager.report().split('\n')[2]).toBe('GPU:              none (models run on the CPU)');
  });
});
