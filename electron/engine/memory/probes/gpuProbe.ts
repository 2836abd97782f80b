import type { GpuIdentity, GpuSample } from '../../../../shared/gpuSample';

/** How a probe reads the GPU. `none` is a machine without a supported GPU. */
export type ProbeKind = 'nvml' | 'sysfs' | 'simulated' | 'none';

export type ProbeErrorCode =
  | 'library-missing' // libnvidia-ml / sysfs files absent
  | 'init-failed' // driver present but refused to initialise
  | 'no-device' // no GPU of this kind
  | 'unknown-gpu' // the requested index/UUID does not exist
  | 'query-failed'; // a reading failed mid-run

export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

export interface GpuDeviceInfo extends GpuIdentity {
  totalMiB: number;
}

/**
 * Reads one GPU's memory. Implementations are synchronous and cheap (NVML: a few µs) because
 * they run on the monitor's worker thread at every tick.
 */
export interface GpuProbe {
  readonly kind: ProbeKind;
  /** Every GPU this probe can see. */
  devices(): GpuDeviceInfo[];
  /** The selected GPU. */
  readonly device: GpuDeviceInfo | null;
  /** One reading of the selected GPU; throws ProbeError. */
  sample(nowMs: number): GpuSample;
  close(): void;
}

export interface ProbeSelection {
  /** GPU index ("0") or UUID ("GPU-…"); default: the first. */
  gpu?: string | undefined;
  /** The pid whose usage becomes `processMiB` (default: this process). */
  pid?: number | undefined;
}

/** Pick a device by index or UUID, with an error that lists what exists. */
export function selectDevice(devices: GpuDeviceInfo[], gpu: string | undefined): GpuDeviceInfo {
  if (devices.length === 0) throw new ProbeError('no-device', 'no GPU found');
  if (gpu === undefined || gpu === '') return devices[0] as GpuDeviceInfo;
  const found = /^\d+$/.test(gpu)
    ? devices.find((d) => d.index === Number(gpu))
    : devices.find((d) => d.uuid.toLowerCase() === gpu.toLowerCase());
  if (!found) {
    const known = devices.map((d) => `${d.index} (${d.uuid})`).join(', ');
    throw new ProbeError('unknown-gpu', `unknown GPU "${gpu}"; available: ${known}`);
  }
  return found;
}
