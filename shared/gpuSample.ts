/** One reading of a whole GPU: device-wide figures, not just this app's allocations. */
export type GpuVendor = 'nvidia' | 'amd' | 'simulated';

export interface GpuIdentity {
  index: number;
  uuid: string;
  name: string;
  vendor: GpuVendor;
}

export interface GpuProcessMemory {
  pid: number;
  name: string;
  /** null where the driver reports the value as not available. */
  usedMiB: number | null;
}

export interface GpuSample {
  /** Wall-clock (or scenario) time of the reading, ms. */
  atMs: number;
  gpu: GpuIdentity;
  totalMiB: number;
  freeMiB: number;
  /** total − free: everything that is not available to us, reserved memory included. */
  usedMiB: number;
  /** Driver-reserved memory (NVML v2); null when the platform does not report it. */
  reservedMiB: number | null;
  /** This process's own usage where the platform reports it. */
  processMiB: number | null;
  /** Largest users first, de-duplicated by pid. */
  topProcesses: GpuProcessMemory[];
}

export function usageOf(sample: Pick<GpuSample, 'usedMiB' | 'totalMiB'>): number {
  return sample.totalMiB > 0 ? sample.usedMiB / sample.totalMiB : 0;
}

export const BYTES_PER_MIB = 1024 * 1024;
