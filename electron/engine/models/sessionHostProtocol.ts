/**
 * Messages between the engine and a session host (sessionHostWorker.ts): one long-lived worker thread that owns
 * every ONNX Runtime session of one lane (a model on one device). Tensors cross as their type, dims and typed
 * array (structured clone; output buffers are transferred).
 */
import * as ort from 'onnxruntime-node';
import type { GpuEp } from './executionProviders';
import type { Feeds, Outputs } from './session';

export interface WireTensor {
  type: ort.Tensor.Type;
  dims: readonly number[];
  data: ort.Tensor.DataType;
}
export type WireTensors = Record<string, WireTensor>;

export interface CreateRequest {
  type: 'create';
  sid: number;
  modelId: string;
  path: string;
  ep: GpuEp | 'cpu';
  cpuThreads: number | null;
  /** The GPU's index (NVML order) for a GPU provider. */
  gpu: number;
}

export type ToSessionHost =
  | CreateRequest
  | { type: 'run'; sid: number; id: number; feeds: WireTensors }
  | { type: 'release'; sid: number };

export type FromSessionHost =
  | { type: 'created'; sid: number }
  | { type: 'create-failed'; sid: number; message: string }
  | { type: 'result'; sid: number; id: number; outputs: WireTensors }
  | { type: 'run-failed'; sid: number; id: number; message: string }
  | { type: 'released'; sid: number };

export function toWire(tensors: Feeds | Outputs): WireTensors {
  const wire: WireTensors = {};
  for (const [name, t] of Object.entries(tensors)) wire[name] = { type: t.type, dims: t.dims, data: t.data };
  return wire;
}

export function fromWire(wire: WireTensors): Record<string, ort.Tensor> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(wire)) {
    tensors[name] = new ort.Tensor(t.type, t.data, t.dims);
  }
  return tensors;
}

/** The output buffers, so postMessage moves them instead of copying (features and logits can be megabytes). */
export function transferables(wire: WireTensors): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const t of Object.values(wire)) {
    const data = t.data;
    if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) buffers.push(data.buffer);
  }
  return buffers;
}
