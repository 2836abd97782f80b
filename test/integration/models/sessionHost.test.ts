import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeExecutionProviders } from '../../../electron/engine/models/executionProviders';
import { createHostedSessionFactory } from '../../../electron/engine/models/sessionHost';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { buildDenseModel, referenceDense, writeDenseModel } from '../../fixtures/denseModel';

const DENSE = { layers: 2, width: 16, seed: 21 };
let dir = '';
let model: ModelSpec;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swictation-factory-'));
  const path = join(dir, 'dense.onnx');
  await writeFile(path, buildDenseModel(DENSE));
  model = { id: 'dense-test', role: 'test', path, sizeMiB: 1, prefer: 'gpu' };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const x = Float32Array.from({ length: 2 * DENSE.width }, (_, i) => (i % 7) / 7 - 0.5);
const feeds = (): { x: ort.Tensor } => ({ x: new ort.Tensor('float32', x, [2, DENSE.width]) });

describe('createHostedSessionFactory', () => {
  it('runs a model on the cpu provider with the reference result', async () => {
    const handle = await createHostedSessionFactory({ gpuEp: null, cpuThreads: 1 }).create(model, 'cpu');
    expect(handle.device).toBe('cpu');
    expect(handle.ep).toBe('cpu');
    const y = (await handle.run(feeds()))['y']?.data;
    if (!(y instanceof Float32Array)) throw new Error('no float32 y');
    const expected = referenceDense(DENSE, x);
    y.forEach((v, i) => {
      expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThan(1e-4);
    });
    await handle.release();
  });

  it('refuses the gpu when no GPU provider was found', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    await expect(factory.create(model, 'gpu')).rejects.toThrow(
      /^no GPU execution provider available: .*dense-test/,
    );
  });

  it('refuses a model without a file', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    await expect(factory.create({ ...model, path: undefined }, 'cpu')).rejects.toThrow(
      /dense-test has no path/,
    );
  });

  it('passes ORT load errors through unchanged', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    await expect(factory.create({ ...model, path: join(dir, 'missing.onnx') }, 'cpu')).rejects.toThrow(
      /missing\.onnx/,
    );
  });

  it('rejects run after release, and release is idempotent', async () => {
    const handle = await createHostedSessionFactory({ gpuEp: null }).create(model, 'cpu');
    const first = handle.release();
    expect(handle.release()).toBe(first);
    await first;
    await handle.release();
    await expect(handle.run(feeds())).rejects.toThrow(/dense-test on cpu was released/);
  });

  it('lets runs already started finish before releasing', async () => {
    const handle = await createHostedSessionFactory({ gpuEp: null }).create(model, 'cpu');
    const running = [handle.run(feeds()), handle.run(feeds())];
    const released = handle.release();
    const outputs = await Promise.all(running);
    await released;
    for (const out of outputs) expect(out['y']?.dims).toEqual([2, DENSE.width]);
  });

  it('runs on the probed GPU provider where there is one', async (ctx) => {
    const { gpuEp } = await probeExecutionProviders({ stopAtFirstGpu: true });
    if (gpuEp === null) {
      ctx.skip();
      return;
    }
    const handle = await createHostedSessionFactory({ gpuEp }).create(model, 'gpu');
    try {
      expect(handle.ep).toBe(gpuEp);
      const y = (await handle.run(feeds()))['y']?.data;
      if (!(y instanceof Float32Array)) throw new Error('no float32 y');
      const expected = referenceDense(DENSE, x);
      y.forEach((v, i) => {
        expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThan(1e-3);
      });
    } finally {
      await handle.release();
    }
  });
});

describe('session hosts keep the engine’s thread free', () => {
  let bigDir = '';
  let big: ModelSpec;
  beforeAll(async () => {
    bigDir = await mkdtemp(join(tmpdir(), 'swictation-host-big-'));
    const path = join(bigDir, 'big.onnx');
    await writeDenseModel(path, 200);
    big = { id: 'big', role: 'stt', path, sizeMiB: 200, prefer: 'gpu' };
  }, 60_000);
  afterAll(() => rm(bigDir, { recursive: true, force: true }));

  it('keeps the event loop turning while a 200 MB model loads (an in-process load holds it)', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    const hosted = factory.create(big, 'cpu');
    const hostedTurns = await turnsDuring(hosted);
    await (await hosted).release();
    await factory.close();
    const inProcess = ort.InferenceSession.create(big.path ?? '');
    const inProcessTurns = await turnsDuring(inProcess);
    await (await inProcess).release();
    // Parsing 200 MB takes about a second: hundreds of turns beside a host, a handful (file I/O) in-process.
    expect(hostedTurns).toBeGreaterThan(50);
    expect(hostedTurns).toBeGreaterThan(inProcessTurns * 5);
  });

  it('a CPU copy being built never delays runs of the model on its other lane', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    const small = { ...model, id: 'big' }; // same model id: only the lane tells the hosts apart
    const serving = await factory.create(small, 'cpu', 'gpu');
    const building = factory.create(big, 'cpu', 'cpu');
    let state = 'building';
    void building.then(() => (state = 'built'));
    const out = await serving.run(feeds());
    expect(out['y']?.dims).toEqual([2, DENSE.width]);
    expect(state).toBe('building');
    await (await building).release();
    await serving.release();
    await factory.close();
  });

  it('one long-lived host per lane: sessions come and go, the host stays; close stops it', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    for (let i = 0; i < 3; i++) {
      const s = await factory.create(model, 'cpu');
      expect((await s.run(feeds()))['y']?.dims).toEqual([2, DENSE.width]);
      await s.release();
    }
    const open = await factory.create(model, 'cpu');
    await factory.close();
    await expect(open.run(feeds())).rejects.toThrow(/session host for dense-test\/cpu was stopped/);
  });

  it('passes ORT’s own run errors through', async () => {
    const factory = createHostedSessionFactory({ gpuEp: null });
    const s = await factory.create(model, 'cpu');
    await expect(s.run({ nope: feeds().x })).rejects.toThrow(/input 'x' is missing/);
    await s.release();
    await factory.close();
  });
});

/** Turns of the event loop while `work` is pending: few when something holds the thread. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  const state = { pending: true };
  void work.finally(() => (state.pending = false));
  while (state.pending) {
    await new Promise((r) => setImmediate(r));
    turns++;
  }
  return turns;
}
