import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { PROBE_MODEL, PROBE_MODEL_URL } from '../../../electron/engine/models/executionProviders';
import { buildDenseModel, layerWeights, referenceDense, sizeDenseModel } from '../../fixtures/denseModel';

const { onnx } = onnxProto;

describe('buildDenseModel', () => {
  it('is deterministic per seed', () => {
    const a = buildDenseModel({ layers: 2, width: 8, seed: 3 });
    expect(buildDenseModel({ layers: 2, width: 8, seed: 3 })).toEqual(a);
    expect(buildDenseModel({ layers: 2, width: 8, seed: 4 })).not.toEqual(a);
  });

  it('hand-assembled protobuf decodes to the intended graph', () => {
    const opts = { layers: 3, width: 5, seed: 9, activation: 'relu' as const };
    const model = onnx.ModelProto.decode(buildDenseModel(opts));
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = present(model.graph);
    expect(present(graph.node).map((n) => n.opType)).toEqual([
      'MatMul',
      'Relu',
      'MatMul',
      'Relu',
      'MatMul',
      'Relu',
    ]);
    expect(present(graph.input).map((i) => i.name)).toEqual(['x']);
    expect(present(graph.output).map((o) => o.name)).toEqual(['y']);
    const initializers = present(graph.initializer);
    expect(initializers).toHaveLength(3);
    initializers.forEach((t, layer) => {
      expect(t.name).toBe(`w${layer}`);
      expect(present(t.dims).map(Number)).toEqual([5, 5]);
      expect(t.floatData ?? []).toHaveLength(0); // raw bytes, not a float list
      const raw = new Uint8Array(present(t.rawData)); // a copy: the decoded bytes view a larger buffer
      expect(new Float32Array(raw.buffer)).toEqual(layerWeights(opts, layer));
    });
  });

  it('keeps weights near 1/sqrt(width) so deep chains stay finite', () => {
    const w = layerWeights({ layers: 1, width: 256 }, 0);
    const rms = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(rms).toBeCloseTo(1 / 16, 2);
    const y = referenceDense({ layers: 12, width: 16, activation: 'relu' }, new Float32Array(16).fill(1));
    expect(y.every(Number.isFinite)).toBe(true);
  });
});

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('field missing from the decoded model');
  return value;
}

describe('sizeDenseModel', () => {
  it.each([2, 8, 50, 200, 800])('lands within 2%% of %i MiB with layers ≤ 64 MiB', (target) => {
    const { layers, width } = sizeDenseModel(target);
    const mib = (layers * width * width * 4) / 2 ** 20;
    expect(Math.abs(mib - target) / target).toBeLessThan(0.02);
    expect(width * width * 4).toBeLessThanOrEqual(64 * 2 ** 20);
    expect(layers).toBeGreaterThanOrEqual(2);
  });
});

describe('committed probe model', () => {
  it('matches the generator (rerun npx tsx build/fixtures/buildProbeModel.ts if not)', async () => {
    const committed = new Uint8Array(await readFile(PROBE_MODEL_URL));
    expect(committed).toEqual(buildDenseModel(PROBE_MODEL));
    expect(committed.byteLength).toBeLessThan(1024);
  });
});
