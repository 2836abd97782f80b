/**
 * A hand-made NeMo-CTC-shaped ONNX model: `audio_signal` [1, F, T] → transpose → MatMul W [F, V] →
 * LogSoftmax → [1, T, V]. With W = 10·I (F = V) the best token of frame t is the largest feature of frame t,
 * so a test writes the transcript it expects straight into the features.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

export interface CtcModelOptions {
  /** Features per frame = tokens per frame. */
  size: number;
  /** Name of the log-prob output ('logprobs' in NeMo exports). */
  outputName?: string;
  /** Also output `encoded_lengths` = length − this. */
  encodedLengthsMinus?: number;
}

export function buildCtcModel(opts: CtcModelOptions): Uint8Array {
  const n = opts.size;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 10;
  const out = opts.outputName ?? 'logprobs';
  const nodes: Onnx.INodeProto[] = [
    { opType: 'Transpose', input: ['audio_signal'], output: ['x'], attribute: [ints('perm', [0, 2, 1])] },
    { opType: 'MatMul', input: ['x', 'w'], output: ['logits'] },
    { opType: 'LogSoftmax', input: ['logits'], output: [out], attribute: [int('axis', 2)] },
  ];
  const outputs = [tensorInfo(out, onnx.TensorProto.DataType.FLOAT, [1, 'frames', n])];
  const initializer: Onnx.ITensorProto[] = [
    { name: 'w', dims: [n, n], dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(w) },
  ];
  if (opts.encodedLengthsMinus !== undefined) {
    initializer.push({
      name: 'minus',
      dims: [1],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: [opts.encodedLengthsMinus],
    });
    nodes.push({ opType: 'Sub', input: ['length', 'minus'], output: ['encoded_lengths'] });
    outputs.push(tensorInfo('encoded_lengths', onnx.TensorProto.DataType.INT64, [1]));
  }
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'swictation-test-fixtures',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'tiny-ctc-shaped',
      node: nodes,
      initializer,
      input: [
        tensorInfo('audio_signal', onnx.TensorProto.DataType.FLOAT, [1, n, 'time']),
        tensorInfo('length', onnx.TensorProto.DataType.INT64, [1]),
      ],
      output: outputs,
    },
  }).finish();
}

function tensorInfo(name: string, elemType: number, dims: Array<number | string>): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function ints(name: string, values: number[]): Onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function int(name: string, value: number): Onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

/** Features [size, frames] row-major whose frame t peaks at best[t]. */
export function peakedFeatures(best: number[], size: number): Float32Array {
  const frames = best.length;
  const data = new Float32Array(size * frames);
  best.forEach((id, t) => {
    data[id * frames + t] = 1;
  });
  return data;
}
