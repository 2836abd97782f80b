import type { GpuDeviceInfo } from '../memory/probes/gpuProbe';
import type { GpuEp } from './executionProviders';

export interface GpuMapping {
  /** The provider's device cannot be told apart among the watched GPUs: a model may run on another GPU. */
  ambiguous: boolean;
  text: string;
}

/**
 * How the GPU execution provider's device matches the probe's GPUs (the indices placement uses). CUDA takes the
 * index as its device id, in the same PCI bus order (cudaDeviceOrder.ts). onnxruntime-node's WebGPU provider takes
 * no adapter choice (no device id, vendor or name option): Dawn picks its default adapter, so with more than one
 * GPU watched nothing says which one it is.
 */
export function describeGpuMapping(gpuEp: GpuEp | null, watched: readonly GpuDeviceInfo[]): GpuMapping {
  if (gpuEp === null || watched.length === 0) return { ambiguous: false, text: 'no GPU provider in use' };
  const indices = watched.map((d) => d.index).join(', ');
  if (gpuEp === 'cuda') {
    return { ambiguous: false, text: `CUDA device n is GPU n (PCI bus order) for GPUs ${indices}` };
  }
  const [only] = watched;
  if (watched.length === 1 && only) {
    return {
      ambiguous: false,
      text: `WebGPU's default adapter taken as the one watched GPU, ${only.index} (${only.name})`,
    };
  }
  return {
    ambiguous: true,
    text:
      `ambiguous: WebGPU in onnxruntime-node cannot pick an adapter (Dawn uses its default), so it may not be ` +
      `the GPU a model is placed on among GPUs ${indices}`,
  };
}
