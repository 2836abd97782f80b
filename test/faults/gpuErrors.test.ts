/**
 * Faults of the GPU itself: out of memory at session creation and at run, in the CUDA and WebGPU message
 * forms ORT and Dawn really produce, and a lost device. No GPU exists here, so the GPU is the simulated
 * one (simulated VRAM, the error injected on cue); everything else is real: the memory manager, the model
 * host, the speech model the project trains, run by onnxruntime on the CPU — a GPU session here runs the
 * same model on the CPU, so a GPU request and its CPU retry give the same text. Each fault: the request
 * is retried on the CPU and its transcript is right (nothing lost), the error is classified and counted
 * in an event (said), the engine keeps serving, and after three the GPU is left for good (permanent CPU).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryManager } from '../../electron/engine/memory/memoryManager';
import { createMemoryStack } from '../../electron/engine/memory/memoryStack';
import { SimulatedGpu } from '../../electron/engine/memory/simulatedGpu';
import type { ModelHost } from '../../electron/engine/models/modelHost';
import { createHostedSessionFactory } from '../../electron/engine/models/sessionHost';
import type { SessionFactory } from '../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../electron/engine/models/simulatedSessionFactory';
import { wallClock } from '../../electron/engine/runtime/clock';
import { loadRecognizer, type LoadedRecognizer } from '../../electron/engine/stt/loadRecognizer';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import type { RecognitionResult } from '../../electron/engine/stt/recognizer';
import type { EngineEvent } from '../../shared/engineEvents';
import { validateMemorySettings } from '../../shared/settings';
import { ManagerRig } from '../unit/memory/managerRig';
import { clip, clipAudio, concat, pushAudio, Scratch, silence, speechMissing } from './support';

/** Messages as the stacks print them (FACTS.md, gpuErrors.ts). */
const RUN_ERRORS = [
  {
    name: 'CUDA out of memory (ORT BFC arena)',
    kind: 'oom',
    message:
      "[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Non-zero status code returned while running Conv node. Name:'/conv/Conv' " +
      'Status Message: bfc_arena.cc:376 AllocateRawInternal Failed to allocate memory for requested buffer of size 4194304',
  },
  { name: 'CUDA out of memory (runtime)', kind: 'oom', message: 'CUDA error: out of memory' },
  {
    name: 'WebGPU out of memory',
    kind: 'oom',
    message:
      'WebGPU validation failed. [Invalid Buffer (unlabeled)] is invalid due to a previous error. ' +
      '- While encoding [CommandEncoder].CopyBufferToBuffer',
  },
  {
    name: 'Vulkan device lost',
    kind: 'device-lost',
    message: 'vkQueueSubmit failed with VK_ERROR_DEVICE_LOST',
  },
  {
    name: 'CUDA device unavailable',
    kind: 'device-lost',
    message: 'CUDA failure 46: all CUDA-capable devices are busy or unavailable ; GPU=0',
  },
] as const;

const CREATE_ERRORS = [
  {
    name: 'CUDA',
    message: 'CUDA failure 2: out of memory ; GPU=0 ; hostname=box ; expr=cudaMalloc((void**)&p, size);',
  },
  { name: 'WebGPU', message: 'vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY' },
] as const;

interface Rig {
  gpu: SimulatedGpu;
  host: ModelHost;
  manager: MemoryManager;
  events: EngineEvent[];
  /** The next GPU session creations fail with these messages, one each. */
  createErrors: string[];
  recognize: () => Promise<RecognitionResult>;
}
let recognizer: LoadedRecognizer;
let audio: Float32Array;
let expected: string;
const rigs: Rig[] = [];

beforeAll(async () => {
  if (speechMissing) return;
  recognizer = await loadRecognizer(FIXTURE_MODEL_DIR);
  const spoken = clip('check memory status');
  audio = await clipAudio(spoken);
  expected = spoken.text;
});
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.host.releaseAll();
});

/** GPU session creations fail with these messages, one per creation, then succeed again. */
function failingCreates(inner: SessionFactory, messages: string[]): SessionFactory {
  return {
    create: (spec, device) => {
      const message = device === 'gpu' ? messages.shift() : undefined;
      return message === undefined ? inner.create(spec, device) : Promise.reject(new Error(message));
    },
  };
}

async function startRig(initialCreateErrors: string[] = []): Promise<Rig> {
  const createErrors = [...initialCreateErrors];
  const events: EngineEvent[] = [];
  const emit = (e: EngineEvent) => events.push(e);
  const gpu = new SimulatedGpu({ name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 });
  const factory = failingCreates(
    createSimulatedSessionFactory(gpu, createHostedSessionFactory({ gpuEp: null })),
    createErrors,
  );
  const settings = validateMemorySettings({});
  if (!settings.ok) throw new Error(settings.errors.join('; '));
  const { host, manager } = createMemoryStack({
    factory,
    clock: wallClock,
    settings: settings.settings,
    gpuAvailable: true,
    probeKind: 'simulated',
    readings: {
      readFreeMiB: () => Promise.resolve(gpu.freeMiB),
      requestSample: () => manager.onSample(gpu.sample(Date.now())),
    },
    emit,
  });
  manager.onSample(gpu.sample(Date.now()));
  for (const m of recognizer.models) await manager.load(m);
  const rig = {
    gpu,
    host,
    manager,
    events,
    createErrors,
    recognize: () => recognizer.recognize(audio, (id, f) => host.run(id, f)),
  };
  rigs.push(rig);
  return rig;
}

const sttId = () => recognizer.models[0]?.id ?? 'stt';
const gpuErrors = (r: Rig) => r.events.filter((e) => e.type === 'gpu-error');

/** A rig's GPU errors are exactly one first strike, whose run or load went to the CPU instead. */
function expectOneStrikeRetriedOnCpu(r: Rig, kind: string, message: string): void {
  expect(gpuErrors(r)).toEqual([
    {
      type: 'gpu-error',
      kind,
      gpu: 0,
      count: 1,
      inWindow: 1,
      windowMs: 600_000,
      limit: 3,
      retriedOn: 'cpu',
      model: sttId(),
      message,
    },
  ]);
}

describe.skipIf(speechMissing !== null)('GPU errors at run', () => {
  it.each(RUN_ERRORS)(
    '$name: retried on the CPU with the right text, classified $kind, counted',
    async (fault) => {
      const r = await startRig();
      expect(r.host.view(sttId()).device).toBe('gpu');
      r.gpu.injectError(fault.message);
      const result = await r.recognize();
      expect(result).toMatchObject({ text: expected, device: 'cpu', retriedOnCpu: true });
      expectOneStrikeRetriedOnCpu(r, fault.kind, fault.message);
      const view = r.host.view(sttId());
      expect(view.device).toBe('cpu');
      expect(view.reason).toMatch(new RegExp(`^GPU error \\(${fault.kind}\\)`));
      // Still serving, now on the CPU.
      expect(await r.recognize()).toMatchObject({ text: expected, device: 'cpu', retriedOnCpu: false });
    },
  );

  it('three GPU errors: permanent CPU, every request still answered correctly, Restore clears it', async () => {
    // With the sampling loop on a virtual clock, so the model goes back to the GPU by itself between
    // errors (after the restore backoff), as it would on a machine whose GPU keeps failing.
    const r = new ManagerRig({
      factory: (gpu) => createSimulatedSessionFactory(gpu, createHostedSessionFactory({ gpuEp: null })),
    });
    await r.start(recognizer.models);
    const recognize = () => recognizer.recognize(audio, (id, f) => r.host.run(id, f));
    const back = async () => {
      for (let t = r.clock.now(); r.device(sttId()) !== 'gpu' && t < 120_000; t += 1000) await r.runTo(t);
    };
    for (const fault of RUN_ERRORS.slice(0, 3)) {
      await back();
      expect(r.device(sttId())).toBe('gpu');
      r.gpu.injectError(fault.message);
      expect(await recognize()).toMatchObject({ text: expected, retriedOnCpu: true });
      await r.settle();
    }
    expect(r.of('gpu-error').map((e) => [e.kind, e.count])).toEqual([
      ['oom', 1],
      ['oom', 2],
      ['oom', 3],
    ]);
    expect(r.of('permanent-cpu').map((e) => e.on)).toEqual([true]);
    expect(r.manager.status()).toMatchObject({ permanentCpu: true, gpuErrors: { count: 3, limit: 3 } });
    // Permanent: no automatic restore however long memory stays free, and every request is still served.
    await r.runTo(r.clock.now() + 120_000);
    expect(r.device(sttId())).toBe('cpu');
    expect(await recognize()).toMatchObject({ text: expected, device: 'cpu' });
    // The user's Restore to GPU is the way back.
    expect(await r.manager.restore()).toMatchObject({ ok: true, moved: [sttId()] });
    expect(r.of('permanent-cpu').map((e) => e.on)).toEqual([true, false]);
    expect(await recognize()).toMatchObject({ text: expected, device: 'gpu' });
    await r.host.releaseAll();
  });
});

describe.skipIf(speechMissing !== null)('GPU out of memory at session creation', () => {
  it.each(CREATE_ERRORS)(
    '$name: the model loads on the CPU with the reason, a strike is counted, it serves',
    async (fault) => {
      const r = await startRig([fault.message]);
      expectOneStrikeRetriedOnCpu(r, 'oom', fault.message);
      const view = r.host.view(sttId());
      expect(view).toMatchObject({ device: 'cpu', vramMiB: 0 });
      expect(view.reason).toBe(`GPU load failed (oom): ${fault.message}`);
      expect(r.gpu.ourMiB).toBe(0);
      expect(await r.recognize()).toMatchObject({ text: expected, device: 'cpu' });
    },
  );

  it.each(CREATE_ERRORS)(
    '$name during Restore: refused with the reason, the CPU session keeps serving',
    async (fault) => {
      const r = await startRig();
      expect((await r.manager.offload()).ok).toBe(true);
      r.events.length = 0;
      r.createErrors.push(fault.message);
      const failing = await r.manager.restore();
      expect(failing.ok).toBe(false);
      expect(failing.reasons).toEqual([`${sttId()} could not be loaded on the GPU: ${fault.message}`]);
      expect(gpuErrors(r)).toMatchObject([{ kind: 'oom', count: 1, retriedOn: null }]);
      expect(r.host.view(sttId()).device).toBe('cpu');
      expect(await r.recognize()).toMatchObject({ text: expected, device: 'cpu' });
    },
  );
});

describe.skipIf(speechMissing !== null)('a GPU error while the engine process dictates', () => {
  const scratch = new Scratch();
  afterEach(() => scratch.release());

  it('WebGPU out of memory on the utterance: the transcript comes back from the CPU, the error is told', async () => {
    const fault = RUN_ERRORS[2];
    const home = await scratch.home({ speech: { outputMode: 'none' } });
    const scenario = join(home, 'scenario.json');
    // The fault is armed 4 s into the run (the speech model is on the simulated GPU by then) and hits the
    // next GPU run: the recognizer's, on the utterance below.
    await writeFile(
      scenario,
      JSON.stringify({
        models: [],
        settings: { intervalMs: 100 },
        steps: [{ atMs: 4000, gpuError: fault.message }],
      }),
    );
    const engine = scratch.engine(['--scenario', scenario], home);
    await engine.waitFor((e) => e.type === 'report');
    expect((await engine.client.call('status')).models).toMatchObject([{ id: 'stt', device: 'gpu' }]);
    const first = await engine.waitFor((e) => e.type === 'sample');
    const t0 = first.type === 'sample' ? first.sample.atMs : 0;
    await engine.waitFor((e) => e.type === 'sample' && e.sample.atMs >= t0 + 4300, 10_000);
    expect(engine.events.filter((e) => e.type === 'gpu-error')).toEqual([]);

    const spoken = clip('hello world');
    await engine.client.call('dictation.start', { source: 'push' });
    await pushAudio(engine, concat(await clipAudio(spoken), silence(1000)));
    expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
    const transcript = await engine.waitFor((e) => e.type === 'transcript');
    expect(transcript).toMatchObject({ text: spoken.text, device: 'cpu', retriedOnCpu: true });
    const said = await engine.waitFor((e) => e.type === 'gpu-error');
    expect(said).toMatchObject({
      kind: 'oom',
      count: 1,
      limit: 3,
      retriedOn: 'cpu',
      model: 'stt',
      message: fault.message,
    });
    const stt = (await engine.client.call('status')).models.find((m) => m.id === 'stt');
    expect(stt).toMatchObject({
      device: 'cpu',
      reason: expect.stringMatching(/^GPU error \(oom\): WebGPU validation failed/) as unknown,
    });
    expect((await engine.client.call('history.list', { limit: 5 })).entries.map((h) => h.text)).toEqual([
      spoken.text,
    ]);
  });
});
