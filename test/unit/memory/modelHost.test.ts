import { describe, expect, it } from 'vitest';
import { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import {
  ModelHost,
  type HostGpuError,
  type PlacementEvent,
  type RunResult,
} from '../../../electron/engine/models/modelHost';
import type { Device, ModelSpec, SessionFactory } from '../../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../../electron/engine/models/simulatedSessionFactory';
import { VirtualClock } from '../../../electron/engine/runtime/clock';
import { allocatingFactory, ControlledFactory, deferred, flush, rng, type FakeSession } from './fakes';

const STT: ModelSpec = { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' };
const VAD: ModelSpec = { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' };

interface Rig {
  host: ModelHost;
  placements: PlacementEvent[];
  gpuErrors: HostGpuError[];
  clock: VirtualClock;
}

function rig(
  factory: SessionFactory,
  readFreeMiB: () => Promise<number | null> = () => Promise.resolve(null),
): Rig {
  const placements: PlacementEvent[] = [];
  const gpuErrors: HostGpuError[] = [];
  const clock = new VirtualClock(1000);
  const host = new ModelHost({
    factory,
    clock,
    readFreeMiB,
    onPlacement: (e) => placements.push(e),
    onGpuError: (e) => gpuErrors.push(e),
  });
  return { host, placements, gpuErrors, clock };
}

function simulated(opts: { totalMiB?: number; externalMiB?: number } = {}) {
  const gpu = new SimulatedGpu({ name: 'Test GPU', totalMiB: opts.totalMiB ?? 8000, reservedMiB: 300 });
  gpu.externalMiB = opts.externalMiB ?? 0;
  const r = rig(createSimulatedSessionFactory(gpu, null), () => Promise.resolve(gpu.freeMiB));
  return { ...r, gpu };
}

function session(factory: ControlledFactory, serial: number): FakeSession {
  const s = factory.sessions[serial];
  if (!s) throw new Error(`no session #${serial}`);
  return s;
}

/** Tracks a promise's outcome without awaiting it. */
function track<T>(p: Promise<T>): { settled: () => boolean; value: () => T | undefined } {
  let settled = false;
  let value: T | undefined;
  p.then(
    (v) => {
      settled = true;
      value = v;
    },
    () => (settled = true),
  );
  return { settled: () => settled, value: () => value };
}

describe('ModelHost: loading', () => {
  it('adds a model on the device asked, reports the placement and the view', async () => {
    const { host, placements, gpu } = simulated();
    await host.add(STT, 'gpu', 'prefers the GPU');
    await host.add(VAD, 'cpu', 'vad runs best on the CPU');
    expect(placements.map((p) => [p.model, p.from, p.to, p.reason])).toEqual([
      ['stt', null, 'gpu', 'prefers the GPU'],
      ['vad', null, 'cpu', 'vad runs best on the CPU'],
    ]);
    expect(host.view('stt')).toMatchObject({
      device: 'gpu',
      ep: 'simulated-gpu',
      vramMiB: 1500,
      estimateMiB: 1500,
      standby: false,
      reason: 'prefers the GPU',
      movedAtMs: 1000,
    });
    expect(host.view('vad')).toMatchObject({ device: 'cpu', ep: 'cpu', vramMiB: 0 });
    expect(gpu.ourMiB).toBe(1500);
    expect(host.has('stt')).toBe(true);
    expect(host.has('nope')).toBe(false);
  });

  it('refuses a second model with the same id and runs on an unknown model', async () => {
    const { host } = simulated();
    await host.add(STT, 'cpu', 'x');
    await expect(host.add(STT, 'gpu', 'again')).rejects.toThrow('model stt is already loaded');
    await expect(host.run('nope', {})).rejects.toThrow('unknown model "nope"');
    expect(() => host.move('nope', 'gpu', 'x')).toThrow('unknown model "nope"');
  });

  it('moving to the device a model is already on does nothing', async () => {
    const { host, placements, gpu } = simulated();
    await host.add(STT, 'gpu', 'x');
    await expect(host.move('stt', 'gpu', 'again')).resolves.toBeNull();
    expect(placements).toHaveLength(1);
    expect(gpu.ourMiB).toBe(1500);
  });

  it('releaseAll frees every session and its VRAM', async () => {
    const { host, gpu } = simulated();
    await host.add(STT, 'gpu', 'x');
    await host.prewarmCpuStandby('stt');
    await host.releaseAll();
    expect(gpu.ourMiB).toBe(0);
    expect(host.views()).toEqual([]);
  });
});

describe('ModelHost: VRAM measured from free-memory deltas', () => {
  it('replaces the weight-size estimate with what the load really took', async () => {
    const gpu = new SimulatedGpu({ name: 'g', totalMiB: 8000, reservedMiB: 300 });
    const { host } = rig(allocatingFactory(gpu, 1830), () => Promise.resolve(gpu.freeMiB));
    await host.add(STT, 'cpu', 'start on the CPU');
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1500, measured: false, vramMiB: 0 });
    await host.move('stt', 'gpu', 'up');
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1830, measured: true, vramMiB: 1830 });
    await host.move('stt', 'cpu', 'down');
    // The measurement is kept for the next admission decision; nothing is held on the GPU now.
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1830, measured: true, vramMiB: 0 });
    expect(gpu.ourMiB).toBe(0);
  });

  it('ignores a delta that is not positive (another program freed memory meanwhile)', async () => {
    const readings = [5000, 5100];
    const factory = new ControlledFactory();
    const { host } = rig(factory, () => Promise.resolve(readings.shift() ?? null));
    await host.add(STT, 'gpu', 'x');
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1500, measured: false });
    expect(readings).toEqual([]);
  });

  it('does not measure when free memory is unreadable, and never reads it for a CPU load', async () => {
    let reads = 0;
    const { host } = rig(new ControlledFactory(), () => {
      reads++;
      return Promise.resolve(null);
    });
    await host.add(VAD, 'cpu', 'x');
    expect(reads).toBe(0);
    await host.add(STT, 'gpu', 'x');
    expect(reads).toBe(1);
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1500, measured: false });
  });

  it('measures each GPU load afresh', async () => {
    const readings = [6000, 4400, 7000, 5300];
    const { host } = rig(new ControlledFactory(), () => Promise.resolve(readings.shift() ?? null));
    await host.add(STT, 'gpu', 'x');
    expect(host.view('stt').estimateMiB).toBe(1600);
    await host.move('stt', 'cpu', 'x');
    await host.move('stt', 'gpu', 'x');
    expect(host.view('stt').estimateMiB).toBe(1700);
  });
});

describe('ModelHost: hot swap never releases a session under a running inference', () => {
  it('a hot swap waits for the one running inference; the runs still waiting, and new ones, go to the new session', async () => {
    const factory = new ControlledFactory();
    const { host, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    const gpuSession = session(factory, 0);

    const early = [host.run('stt', {}), host.run('stt', {}), host.run('stt', {})];
    expect(gpuSession.running).toBe(1); // one at a time: the others wait in the host
    expect(host.inFlight()).toBe(3);

    const move = track(host.move('stt', 'cpu', 'pressure'));
    await flush();
    const cpuSession = session(factory, 1);
    expect(cpuSession.device).toBe('cpu');
    // Swapped: the view says CPU, but the move is not done until the GPU session's running inference ended.
    expect(host.view('stt').device).toBe('cpu');
    expect(move.settled()).toBe(false);
    expect(gpuSession.released).toBe(false);

    const late = [host.run('stt', {}), host.run('stt', {})];
    for (let i = 0; i < 4; i++) {
      factory.resolveRuns(cpuSession);
      await flush();
    }
    const lateResults = await Promise.all(late);
    expect(lateResults.map((r) => r.device)).toEqual(['cpu', 'cpu']);
    expect(gpuSession.released).toBe(false);
    expect(move.settled()).toBe(false);

    factory.resolveRuns(gpuSession);
    const earlyResults = await Promise.all(early);
    expect(earlyResults.map((r) => r.device)).toEqual(['gpu', 'cpu', 'cpu']);
    await flush();
    expect(gpuSession.released).toBe(true);
    expect(gpuSession.runs).toBe(1);
    expect(move.settled()).toBe(true);
    expect(move.value()).toMatchObject({ model: 'stt', from: 'gpu', to: 'cpu', reason: 'pressure' });
    expect(placements.at(-1)).toMatchObject({ from: 'gpu', to: 'cpu' });
    expect(factory.violations).toEqual([]);
  });

  it('while the new session is being created, the old one serves every request', async () => {
    const factory = new ControlledFactory();
    const { host } = rig(factory);
    await host.add(STT, 'cpu', 'x');
    factory.mode = 'instant';
    factory.createGate = deferred<undefined>();
    const move = track(host.move('stt', 'gpu', 'restore'));
    const during: RunResult[] = [];
    for (let i = 0; i < 20; i++) during.push(await host.run('stt', {}));
    expect(during.every((r) => r.device === 'cpu')).toBe(true);
    expect(move.settled()).toBe(false);
    expect(factory.sessions).toHaveLength(1);

    factory.createGate.resolve(undefined);
    factory.createGate = null;
    await flush();
    expect(move.settled()).toBe(true);
    expect((await host.run('stt', {})).device).toBe('gpu');
    expect(session(factory, 0).released).toBe(true);
    expect(factory.violations).toEqual([]);
  });

  it('moves of one model are serialized: gpu→cpu→gpu queued back to back end on the GPU', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    const a = host.move('stt', 'cpu', 'one');
    const b = host.move('stt', 'gpu', 'two');
    const c = host.move('stt', 'gpu', 'three');
    await Promise.all([a, b, c]);
    await host.idle();
    expect(placements.map((p) => `${p.from ?? 'new'}->${p.to}:${p.reason}`)).toEqual([
      'new->gpu:x',
      'gpu->cpu:one',
      'cpu->gpu:two',
    ]);
    expect(await c).toBeNull();
    expect(host.view('stt')).toMatchObject({ device: 'gpu', reason: 'two' });
    expect(factory.live().map((s) => s.device)).toEqual(['gpu']);
  });

  it('hundreds of requests with random durations across repeated gpu↔cpu moves: none lost, none on a released session', async () => {
    const factory = new ControlledFactory();
    const { host, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    const random = rng(42);
    const results: Promise<RunResult>[] = [];
    const moves: Promise<PlacementEvent | null>[] = [];
    let target: Device = 'cpu';
    const REQUESTS = 600;

    for (let i = 0; i < REQUESTS; i++) {
      results.push(host.run('stt', {}));
      if (i % 40 === 39) {
        moves.push(host.move('stt', target, `move ${moves.length}`));
        target = target === 'cpu' ? 'gpu' : 'cpu';
      }
      // Finish a random few of the waiting runs on random sessions, out of order.
      for (const s of factory.sessions) {
        const k = Math.floor(random() * 3);
        for (let j = 0; j < k && s.pending.length > 0; j++) {
          const idx = Math.floor(random() * s.pending.length);
          s.pending.splice(idx, 1)[0]?.resolve({});
        }
      }
      if (i % 7 === 0) await flush(1);
    }
    // Drain: keep finishing runs until everything has settled.
    for (let guard = 0; guard < 5000 && (factory.pendingRuns() > 0 || guard === 0); guard++) {
      for (const s of factory.sessions) factory.resolveRuns(s);
      await flush(1);
    }
    const settled = await Promise.allSettled(results);
    await Promise.all(moves);
    await host.idle();

    const served = settled.filter((r) => r.status === 'fulfilled').length;
    expect(served).toBe(REQUESTS);
    const onDevice = settled.map((r) => (r.status === 'fulfilled' ? r.value.device : 'lost'));
    expect(onDevice.filter((d) => d === 'gpu').length).toBeGreaterThan(50);
    expect(onDevice.filter((d) => d === 'cpu').length).toBeGreaterThan(50);
    expect(factory.sessions.reduce((n, s) => n + s.runs, 0)).toBe(REQUESTS);
    expect(factory.violations).toEqual([]);
    // 15 moves, each to the other device: 15 placements after the first load, and one live session left.
    expect(moves).toHaveLength(15);
    expect(placements).toHaveLength(16);
    expect(factory.live()).toHaveLength(1);
    expect(factory.live()[0]?.device).toBe(host.view('stt').device);
    expect(host.inFlight()).toBe(0);
  });

  it('continuous load on the simulated GPU while the model moves repeatedly: all counted, VRAM consistent', async () => {
    const { host, gpu, placements } = simulated();
    await host.add(STT, 'gpu', 'start');
    let served = 0;
    let lost = 0;
    const counted = (p: Promise<RunResult>) =>
      p.then(
        () => served++,
        () => lost++,
      );
    const all: Promise<unknown>[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 25; i++) all.push(counted(host.run('stt', {})));
      all.push(host.move('stt', round % 2 === 0 ? 'cpu' : 'gpu', `round ${round}`));
      for (let i = 0; i < 25; i++) all.push(counted(host.run('stt', {})));
      if (round % 3 === 0) await flush(1);
    }
    await Promise.all(all);
    await host.idle();
    expect({ served, lost }).toEqual({ served: 1000, lost: 0 });
    expect(placements).toHaveLength(21);
    // 20 moves starting with gpu→cpu end on the GPU, holding exactly one model's VRAM.
    expect(host.view('stt').device).toBe('gpu');
    expect(gpu.ourMiB).toBe(1500);
  });
});

describe('ModelHost: GPU errors', () => {
  it('a GPU error in a run is retried on the CPU; the model ends on the CPU and its VRAM is freed', async () => {
    const { host, gpu, gpuErrors, placements } = simulated();
    await host.add(STT, 'gpu', 'x');
    gpu.injectError('CUDA error: out of memory');
    const result = await host.run('stt', {});
    expect(result).toMatchObject({ device: 'cpu', ep: 'cpu', retriedOnCpu: true });
    expect(gpuErrors).toEqual([
      { modelId: 'stt', gpu: 0, kind: 'oom', message: 'CUDA error: out of memory' },
    ]);
    expect(placements.at(-1)).toMatchObject({
      model: 'stt',
      from: 'gpu',
      to: 'cpu',
      reason: 'GPU error (oom): CUDA error: out of memory',
    });
    expect(host.view('stt').device).toBe('cpu');
    expect(gpu.ourMiB).toBe(0);
    // Later runs stay on the CPU and are not retried.
    expect(await host.run('stt', {})).toMatchObject({ device: 'cpu', retriedOnCpu: false });
  });

  it('classifies the error and keeps only its first line in the reason', async () => {
    const { host, gpu, gpuErrors, placements } = simulated();
    await host.add(STT, 'gpu', 'x');
    gpu.injectError('VK_ERROR_DEVICE_LOST\n at vkQueueSubmit\n at dawn::native');
    await host.run('stt', {});
    expect(gpuErrors[0]?.kind).toBe('device-lost');
    expect(placements.at(-1)?.reason).toBe('GPU error (device-lost): VK_ERROR_DEVICE_LOST');
  });

  it('one failing run among many concurrent ones: every request served, one retried', async () => {
    const { host, gpu } = simulated();
    await host.add(STT, 'gpu', 'x');
    gpu.injectError(
      'WebGPU validation failed. [Invalid Buffer (unlabeled)] is invalid due to a previous error.',
    );
    const results = await Promise.all(Array.from({ length: 50 }, () => host.run('stt', {})));
    expect(results.filter((r) => r.retriedOnCpu)).toHaveLength(1);
    expect(results).toHaveLength(50);
    expect(host.view('stt').device).toBe('cpu');
  });

  it('a run that fails on the GPU is retried on the CPU after the run before it ended; the GPU session then goes', async () => {
    const factory = new ControlledFactory();
    const { host, gpuErrors } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    const gpuSession = session(factory, 0);
    const slow = host.run('stt', {});
    const failing = host.run('stt', {}); // waits behind the slow one
    factory.runError = (s) =>
      s.device === 'gpu' && s.runs === 2 ? new Error('CUDA error: out of memory') : null;
    factory.resolveRuns(gpuSession);
    await flush();
    expect(gpuErrors).toHaveLength(1);
    const cpuSession = session(factory, 1);
    factory.resolveRuns(cpuSession);
    await expect(failing).resolves.toMatchObject({ device: 'cpu', retriedOnCpu: true });
    await expect(slow).resolves.toMatchObject({ device: 'gpu', retriedOnCpu: false });
    expect(gpuSession.released).toBe(true);
    expect(factory.violations).toEqual([]);
  });

  it('an unrecognised error on a GPU run is retried once on the CPU, is no strike, and the model stays', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, gpuErrors, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    factory.runError = (s) => (s.device === 'gpu' ? new Error('ENOSPC: no space left on device') : null);
    await expect(host.run('stt', {})).resolves.toMatchObject({ device: 'cpu', retriedOnCpu: true });
    expect(gpuErrors).toEqual([]);
    expect(placements).toHaveLength(1);
    expect(host.view('stt')).toMatchObject({ device: 'gpu', standby: true });
  });

  it('an error the CPU copy repeats propagates unchanged, and the model stays where it is', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, gpuErrors, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    const bad = new Error('Got invalid dimensions for input: x for the following indices');
    factory.runError = () => bad;
    await expect(host.run('stt', {})).rejects.toBe(bad);
    expect(gpuErrors).toEqual([]);
    expect(placements).toHaveLength(1);
    expect(host.view('stt').device).toBe('gpu');
  });

  it('a GPU-looking error from a CPU session propagates (there is nowhere to retry)', async () => {
    const factory = new ControlledFactory();
    const { host, gpuErrors } = rig(factory);
    await host.add(STT, 'cpu', 'x');
    factory.runError = () => new Error('CUDA error: out of memory');
    await expect(host.run('stt', {})).rejects.toThrow('CUDA error: out of memory');
    expect(gpuErrors).toEqual([]);
  });
});

describe('ModelHost: a failed session creation leaves the old session serving', () => {
  it('a GPU load that does not fit fails the move; the CPU session keeps serving', async () => {
    const { host, gpu, placements } = simulated({ externalMiB: 6500 });
    await host.add(STT, 'cpu', 'start');
    await expect(host.move('stt', 'gpu', 'restore')).rejects.toThrow(
      /CUDA error: out of memory \(simulated: stt/,
    );
    expect(host.view('stt')).toMatchObject({ device: 'cpu', reason: 'start' });
    expect(placements).toHaveLength(1);
    expect(gpu.ourMiB).toBe(0);
    expect(await host.run('stt', {})).toMatchObject({ device: 'cpu', retriedOnCpu: false });
    // The queue of moves is not poisoned: once memory frees, the next move works.
    gpu.externalMiB = 1000;
    await expect(host.move('stt', 'gpu', 'restore')).resolves.toMatchObject({ from: 'cpu', to: 'gpu' });
    expect(gpu.ourMiB).toBe(1500);
  });

  it('a CPU session that cannot be created leaves the GPU session serving, unreleased', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    factory.failCreate = { device: 'cpu', error: new Error('std::bad_alloc'), times: 1 };
    await expect(host.move('stt', 'cpu', 'pressure')).rejects.toThrow('std::bad_alloc');
    expect(host.view('stt').device).toBe('gpu');
    expect(session(factory, 0).released).toBe(false);
    expect(await host.run('stt', {})).toMatchObject({ device: 'gpu' });
    expect(factory.violations).toEqual([]);
  });
});

describe('ModelHost: CPU standby', () => {
  it('a pre-warmed standby makes the offload a swap without creating a session', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    await expect(host.prewarmCpuStandby('stt')).resolves.toBe(true);
    await expect(host.prewarmCpuStandby('stt')).resolves.toBe(false);
    expect(host.view('stt').standby).toBe(true);
    expect(factory.sessions).toHaveLength(2);
    await host.move('stt', 'cpu', 'offload');
    expect(factory.sessions).toHaveLength(2);
    expect(host.view('stt')).toMatchObject({ device: 'cpu', standby: false });
    expect(factory.live().map((s) => s.serial)).toEqual([1]);
  });

  it('no standby for a model on the CPU; dropStandby releases it', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host } = rig(factory);
    await host.add(VAD, 'cpu', 'x');
    await expect(host.prewarmCpuStandby('vad')).resolves.toBe(false);
    await host.add(STT, 'gpu', 'x');
    await host.prewarmCpuStandby('stt');
    await host.dropStandby('stt');
    expect(host.view('stt').standby).toBe(false);
    expect(factory.live().map((s) => `${s.model}@${s.device}`)).toEqual(['vad@cpu', 'stt@gpu']);
  });
});

describe('ModelHost: EMERGENCY evacuation frees the GPU first', () => {
  it('while the CPU standby is still building: the GPU session goes at once, runs wait for the CPU copy', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, placements } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    factory.createGate = deferred();
    const prewarm = host.prewarmCpuStandby('stt');
    await flush();
    const evacuation = track(host.evacuate('stt', 'EMERGENCY'));
    await flush();
    expect(session(factory, 0)).toMatchObject({ device: 'gpu', released: true });
    expect(evacuation.settled()).toBe(false); // the CPU copy is not ready yet
    const waiting = track(host.run('stt', {}));
    await flush();
    expect(waiting.settled()).toBe(false);
    factory.createGate.resolve(undefined);
    factory.createGate = null;
    await prewarm;
    await flush();
    expect(waiting.value()).toMatchObject({ device: 'cpu', retriedOnCpu: false });
    const done = evacuation.value();
    expect(done?.releasedMs).toBeLessThanOrEqual(done?.readyMs ?? -1);
    expect(placements.at(-1)).toMatchObject({ from: 'gpu', to: 'cpu', reason: 'EMERGENCY' });
    expect(factory.createCalls).toEqual(['gpu', 'cpu']); // the standby's build was reused, not started again
    expect(factory.violations).toEqual([]);
  });

  it('with a standby ready, the swap is immediate and no run waits', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    await host.prewarmCpuStandby('stt');
    const evacuation = host.evacuate('stt', 'EMERGENCY');
    expect((await host.run('stt', {})).device).toBe('cpu');
    await evacuation;
    expect(factory.live().map((s) => s.device)).toEqual(['cpu']);
  });

  it('waits for a GPU run already in flight before releasing, and nothing runs on the released session', async () => {
    const factory = new ControlledFactory();
    const { host } = rig(factory);
    await host.add(STT, 'gpu', 'x');
    await host.prewarmCpuStandby('stt');
    const inFlight = track(host.run('stt', {}));
    await flush();
    const evacuation = track(host.evacuate('stt', 'EMERGENCY'));
    await flush();
    expect(session(factory, 0).released).toBe(false);
    factory.resolveRuns(session(factory, 0));
    await flush();
    expect(session(factory, 0).released).toBe(true);
    expect(inFlight.value()).toMatchObject({ device: 'gpu' });
    expect(evacuation.settled()).toBe(true);
    expect(factory.violations).toEqual([]);
  });

  it('abandons a restore still loading: its half-built GPU session is released and the CPU copy keeps serving', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, placements } = rig(factory);
    await host.add(STT, 'cpu', 'x');
    factory.createGate = deferred();
    const restore = host.move('stt', 'gpu', 'memory recovered');
    await flush();
    expect(host.gpuLoadsInFlight()).toEqual(['stt']);
    await host.evacuate('stt', 'EMERGENCY');
    factory.createGate.resolve(undefined);
    factory.createGate = null;
    await expect(restore).resolves.toBeNull();
    expect(session(factory, 1)).toMatchObject({ device: 'gpu', released: true });
    expect(host.view('stt').device).toBe('cpu');
    expect((await host.run('stt', {})).device).toBe('cpu');
    expect(placements.map((p) => p.to)).toEqual(['cpu']);
  });

  it('abandons a first load onto the GPU (a model switch) and loads the model on the CPU instead', async () => {
    const factory = new ControlledFactory();
    factory.mode = 'instant';
    const { host, placements } = rig(factory);
    factory.createGate = deferred();
    const adding = host.add(STT, 'gpu', 'prefers the GPU');
    await flush();
    await host.evacuate('stt', 'EMERGENCY');
    factory.createGate.resolve(undefined);
    factory.createGate = null;
    await adding;
    await flush(); // the abandoned GPU session is released once ORT returns it
    expect(host.view('stt').device).toBe('cpu');
    expect(factory.live().map((s) => s.device)).toEqual(['cpu']);
    expect(placements.at(-1)).toMatchObject({ from: null, to: 'cpu' });
  });

  it('on the simulated GPU the VRAM is back before the CPU copy is ready', async () => {
    const { host, gpu } = simulated();
    await host.add(STT, 'gpu', 'x');
    expect(gpu.freeMiB).toBe(8000 - 300 - 1500);
    const evacuation = host.evacuate('stt', 'EMERGENCY');
    await flush(1);
    expect(gpu.freeMiB).toBe(8000 - 300);
    await evacuation;
  });
});

describe('ModelHost: a model taken out', () => {
  it('fails the runs still waiting for it, instead of retrying them forever', async () => {
    const factory = new ControlledFactory();
    const { host } = rig(factory);
    await host.add(STT, 'cpu', 'x');
    const running = host.run('stt', {});
    const waiting = host.run('stt', {});
    const removed = host.remove('stt');
    factory.resolveRuns(session(factory, 0));
    await removed;
    await expect(running).resolves.toMatchObject({ device: 'cpu' });
    await expect(waiting).rejects.toThrow('model stt was unloaded');
    expect(factory.violations).toEqual([]);
  });
});

describe('ModelHost: what a GPU load took', () => {
  it('is this process’s growth where the probe attributes memory, whatever other programs did meanwhile', async () => {
    const free = [6000, 1000]; // another program took 5000 MiB during the load
    const mine = [0, 1480];
    const host = new ModelHost({
      factory: new ControlledFactory(),
      clock: new VirtualClock(0),
      readFreeMiB: () => Promise.resolve(free.shift() ?? null),
      readProcessMiB: () => Promise.resolve(mine.shift() ?? null),
      onPlacement: () => undefined,
      onGpuError: () => undefined,
    });
    await host.add(STT, 'gpu', 'x');
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1480, measured: true });
  });

  it('without that, ignores a drop in free memory far beyond what the weights could take', async () => {
    const readings = [9000, 1000]; // 8000 MiB for a 1500 MiB model: someone else loaded meanwhile
    const { host } = rig(new ControlledFactory(), () => Promise.resolve(readings.shift() ?? null));
    await host.add(STT, 'gpu', 'x');
    expect(host.view('stt')).toMatchObject({ estimateMiB: 1500, measured: false });
  });
});
