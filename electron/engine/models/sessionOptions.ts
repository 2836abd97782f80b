/**
 * How a real session is made: exactly one execution provider each. ORT does not fall back between providers by
 * itself, and ModelHost must know where a model really runs to account for VRAM, so 'gpu' means the probed GPU
 * provider alone and never silently the CPU.
 */
import * as ort from 'onnxruntime-node';
import type { GpuEp } from './executionProviders';
import type { Device, ModelSpec } from './session';

export interface OrtSessionOptions {
  /** From probeExecutionProviders(); null means this machine can only use the CPU. */
  gpuEp: GpuEp | null;
  /** intra-op threads for CPU kernels; ORT's default (one per core) when absent. */
  cpuThreads?: number;
}

/** The file and the one provider a session of `model` on `device` uses; throws when either is missing. */
export function sessionTarget(
  model: ModelSpec,
  device: Device,
  gpuEp: GpuEp | null,
): { ep: GpuEp | 'cpu'; path: string } {
  const ep = providerFor(model, device, gpuEp);
  if (model.path === undefined) {
    throw new Error(`model ${model.id} has no path: the ONNX Runtime factory loads only real model files`);
  }
  return { ep, path: model.path };
}

/** The one provider a session on `device` uses; throws when the GPU has none. */
function providerFor(model: ModelSpec, device: Device, gpuEp: GpuEp | null): GpuEp | 'cpu' {
  if (device === 'cpu') return 'cpu';
  if (gpuEp === null) {
    throw new Error(
      `no GPU execution provider available: the probe found neither cuda nor webgpu usable, so model ${model.id} can only run on the CPU`,
    );
  }
  return gpuEp;
}

/**
 * `gpu`: the GPU's index in NVML's order; CUDA numbers devices the same way once the engine sets
 * CUDA_DEVICE_ORDER=PCI_BUS_ID (cudaDeviceOrder.ts), so it is the CUDA provider's device id. onnxruntime-node's
 * WebGPU provider takes no adapter choice: it uses Dawn's default adapter (`doctor` says when that is ambiguous).
 */
export function sessionOptions(
  ep: GpuEp | 'cpu',
  cpuThreads: number | undefined,
  gpu = 0,
): ort.InferenceSession.SessionOptions {
  const provider = ep === 'cuda' ? { name: 'cuda' as const, deviceId: gpu } : ep;
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
  };
  if (cpuThreads !== undefined) options.intraOpNumThreads = cpuThreads;
  return options;
}
