/** Reading model outputs by name, with errors that say which model and which output was wrong. */
import type { Tensor } from 'onnxruntime-node';
import type { Outputs } from '../models/session';

/** The named output, or the only output when the export named it differently (public exports vary). */
export function pickOutput(outputs: Outputs, name: string, model: string): Tensor {
  const named = outputs[name];
  if (named) return named;
  const all = Object.values(outputs);
  if (all.length === 1 && all[0]) return all[0];
  throw new Error(`${model} has no output "${name}" (outputs: ${Object.keys(outputs).join(', ') || 'none'})`);
}

export function floatData(tensor: Tensor, what: string): Float32Array {
  if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
    throw new Error(`${what} must be float32, got ${tensor.type}`);
  }
  return tensor.data;
}

/** The first element of an int32/int64 tensor (a batch-of-one length). */
export function firstInt(tensor: Tensor, what: string): number {
  const data = tensor.data;
  if (data instanceof BigInt64Array) return Number(data[0] ?? 0n);
  if (data instanceof Int32Array) return data[0] ?? 0;
  throw new Error(`${what} must be int32 or int64, got ${tensor.type}`);
}
