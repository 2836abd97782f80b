import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import {
  BALLAST_INPUT,
  BALLAST_OUTPUT,
  ballastElements,
  ballastWeight,
  buildBallastModel,
} from '../../../electron/engine/models/ballastModel';

const { onnx } = onnxProto;
const MiB = 1024 * 1024;

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('field missing from the decoded model');
  return value;
}

describe('buildBallastModel', () => {
  it('is y = Mul(x[1], W[N]) with W as raw float32 bytes of the asked size', () => {
    // 1.5 MiB + a few elements: N is not a multiple of the weight pattern, so the tail fill is exercised.
    const bytes = buildBallastModel(1.5);
    const n = ballastElements(1.5);
    expect(n).toBe((1.5 * MiB) / 4);
    expect(bytes.byteLength - n * 4).toBeLessThan(256); // everything but W is a small header

    // Decoded by onnx-proto (the reference encoder), independently of the hand-written one.
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])).toEqual([['', 17]]);
    const graph = present(model.graph);
    expect(present(graph.node).map((node) => [node.opType, node.input, node.output])).toEqual([
      ['Mul', [BALLAST_INPUT, 'W'], [BALLAST_OUTPUT]],
    ]);
    const dims = (info: onnxProto.onnx.IValueInfoProto): number[] =>
      present(present(present(info.type).tensorType).shape?.dim).map((d) => Number(d.dimValue));
    expect(present(graph.input).map((i) => [i.name, dims(i)])).toEqual([[BALLAST_INPUT, [1]]]);
    expect(present(graph.output).map((o) => [o.name, dims(o)])).toEqual([[BALLAST_OUTPUT, [n]]]);
    const [w] = present(graph.initializer);
    const weight = present(w);
    expect(present(weight.dims).map(Number)).toEqual([n]);
    expect(weight.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    const raw = new Uint8Array(present(weight.rawData)); // a copy, so the Float32Array view is aligned
    const values = new Float32Array(raw.buffer);
    expect(values).toHaveLength(n);
    for (const i of [0, 1, 6, 7, 8, 12345, n - 2, n - 1]) expect(values[i]).toBe(ballastWeight(i));
  });

  it('loads in onnxruntime-node on the CPU and computes y = x * W', async () => {
    const n = ballastElements(1);
    const session = await ort.InferenceSession.create(buildBallastModel(1), { executionProviders: ['cpu'] });
    try {
      expect(session.inputNames).toEqual([BALLAST_INPUT]);
      expect(session.outputNames).toEqual([BALLAST_OUTPUT]);
      const x = new ort.Tensor('float32', Float32Array.of(-3), [1]);
      const y = (await session.run({ [BALLAST_INPUT]: x }))[BALLAST_OUTPUT];
      expect(y?.dims).toEqual([n]);
      const data = y?.data;
      if (!(data instanceof Float32Array)) throw new Error('y is not float32');
      // Every product is exact in float32 (small multiples of 0.25), so equality is exact.
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (data[i] !== -3 * ballastWeight(i)) mismatches++;
      expect(mismatches).toBe(0);
    } finally {
      await session.release();
    }
  });

  it('rejects sizes that are not a positive number of MiB', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => buildBallastModel(bad)).toThrow(/positive MiB/);
    }
    expect(ballastElements(1e-9)).toBe(1); // tiny but positive: one element, still a valid model
  });
});
