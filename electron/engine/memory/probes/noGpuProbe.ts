import type { GpuSample } from '../../../../shared/gpuSample';
import { ProbeError, type GpuDeviceInfo, type GpuProbe } from './gpuProbe';

/** A machine without a supported GPU: the engine runs on CPU and the monitor has nothing to sample. */
export function openNoGpuProbe(): GpuProbe {
  return {
    kind: 'none',
    device: null,
    watched: [],
    devices: (): GpuDeviceInfo[] => [],
    sampleAll: (): GpuSample[] => [],
    sample(_nowMs: number): GpuSample {
      throw new ProbeError('no-device', 'no supported GPU: there is nothing to sample');
    },
    close() {
      // Nothing was opened.
    },
  };
}
