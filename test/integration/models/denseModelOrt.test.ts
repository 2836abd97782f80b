// The generated models through real onnxruntime-node on the CPU: numbers match the JS reference, and a
// 200 MB file (ModelHost-scale) loads and runs.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDenseModel,
  referenceDense,
  writeDenseModel,
  type DenseModelOptions,
} from '../../fixtures/denseModel';

const cpu: ort.InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
};

function inputRows(rows: number, width: number): Float32Array {
  return Float32Array.from({ length: rows * width }, (_, i) => Math.sin(i * 0.7) * 1.5);
}

async function runOnce(session: ort.InferenceSession, x: Float32Array, width: number): Promise<Float32Array> {
  const out = await session.run({ x: new ort.Tensor('float32', x, [x.length / width, width]) });
  const data = out['y']?.data;
  if (!(data instanceof Float32Array)) throw new Error('no float32 output y');
  return data;
}

describe('dense model on onnxruntime-node (cpu)', () => {
  it.each<DenseModelOptions>([
    { layers: 3, width: 8, seed: 7 },
    { layers: 4, width: 33, seed: 2, activation: 'relu' },
    { layers: 6, width: 64, seed: 11, activation: 'tanh' },
  ])('matches the JS reference within 1e-4: %j', async (opts) => {
    const session = await ort.InferenceSession.create(buildDenseModel(opts), cpu);
    try {
      expect(session.inputNames).toEqual(['x']);
      expect(session.outputNames).toEqual(['y']);
      const x = inputRows(5, opts.width); // n = 5 exercises the dynamic batch dimension
      const y = await runOnce(session, x, opts.width);
      const expected = referenceDense(opts, x);
      expect(y).toHaveLength(expected.length);
      const maxDiff = y.reduce((m, v, i) => Math.max(m, Math.abs(v - (expected[i] ?? NaN))), 0);
      expect(maxDiff).toBeLessThan(1e-4);
    } finally {
      await session.release();
    }
  });
});

describe('a 200 MB generated model', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swictation-dense-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes, loads and runs on the CPU', { timeout: 120_000 }, async () => {
    const t0 = performance.now();
    const model = await writeDenseModel(join(dir, 'dense200.onnx'), 200, { seed: 5 });
    const t1 = performance.now();
    expect((await stat(model.path)).size).toBe(model.bytes);
    expect(model.bytes / 2 ** 20).toBeGreaterThan(196);

    const session = await ort.InferenceSession.create(model.path, cpu);
    const t2 = performance.now();
    const y = await runOnce(session, inputRows(2, model.width), model.width);
    const t3 = performance.now();
    await session.release();
    const t4 = performance.now();

    expect(y).toHaveLength(2 * model.width);
    expect(y.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    console.info(
      `200 MB dense model (${model.layers}×${model.width}², ${model.bytes} B): write ${ms(t1 - t0)}, ` +
        `create ${ms(t2 - t1)}, run n=2 ${ms(t3 - t2)}, release ${ms(t4 - t3)}`,
    );
  });
});

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}
