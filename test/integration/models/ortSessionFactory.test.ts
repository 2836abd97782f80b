import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeExecutionProviders } from '../../../electron/engine/models/executionProviders';
import { createOrtSessionFactory } from '../../../electron/engine/models/ortSessionFactory';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { buildDenseModel, referenceDense } from '../../fixtures/denseModel';

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

describe('createOrtSessionFactory', () => {
  it('runs a model on the cpu provider with the reference result', async () => {
    const handle = await createOrtSessionFactory({ gpuEp: null, cpuThreads: 1 }).create(model, 'cpu');
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
    const factory = createOrtSessionFactory({ gpuEp: null });
    await expect(factory.create(model, 'gpu')).rejects.toThrow(
      /^no GPU execution provider available: .*dense-test/,
    );
  });

  it('refuses a model without a file', async () => {
    const factory = createOrtSessionFactory({ gpuEp: null });
    await expect(factory.create({ ...model, path: undefined }, 'cpu')).rejects.toThrow(
      /dense-test has no path/,
    );
  });

  it('passes ORT load errors through unchanged', async () => {
    const factory = createOrtSessionFactory({ gpuEp: null });
    await expect(factory.create({ ...model, path: join(dir, 'missing.onnx') }, 'cpu')).rejects.toThrow(
      /missing\.onnx/,
    );
  });

  it('rejects run after release, and release is idempotent', async () => {
    const handle = await createOrtSessionFactory({ gpuEp: null }).create(model, 'cpu');
    const first = handle.release();
    expect(handle.release()).toBe(first);
    await first;
    await handle.release();
    await expect(handle.run(feeds())).rejects.toThrow(/dense-test on cpu was released/);
  });

  it('lets runs already started finish before releasing', async () => {
    const handle = await createOrtSessionFactory({ gpuEp: null }).create(model, 'cpu');
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
    const handle = await createOrtSessionFactory({ gpuEp }).create(model, 'gpu');
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
