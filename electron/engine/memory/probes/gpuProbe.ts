import type { GpuIdentity, GpuSample } from '../../../../shared/gpuSample';
import { pinnedGpu } from '../../../../shared/settings';

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
 * Reads GPU memory. Implementations are synchronous and cheap (NVML: a few µs a GPU) because
 * they run on the monitor's worker thread at every tick.
 */
export interface GpuProbe {
  readonly kind: ProbeKind;
  /** Every GPU this probe can see. */
  devices(): GpuDeviceInfo[];
  /** The GPUs it watches: every one ("auto"), or the one pinned. */
  readonly watched: GpuDeviceInfo[];
  /** The first watched GPU. */
  readonly device: GpuDeviceInfo | null;
  /** One reading of the first watched GPU; throws ProbeError. */
  sample(nowMs: number): GpuSample;
  /** One reading of each watched GPU, in index order; throws ProbeError when any fails. */
  sampleAll(nowMs: number): GpuSample[];
  close(): void;
}

export interface ProbeSelection {
  /** GPU index ("0") or UUID ("GPU-…") to watch alone; "auto", empty or absent: every GPU. */
  gpu?: string | undefined;
  /** The pid whose usage becomes `processMiB` (default: this process). */
  pid?: number | undefined;
}

/** The GPUs to watch: every one for "auto" (or nothing named), else the one named (selectDevice). */
export function selectWatched(devices: GpuDeviceInfo[], gpu: string | undefined): GpuDeviceInfo[] {
  if (devices.length === 0) throw new ProbeError('no-device', 'no GPU found');
  if (gpu === undefined || pinnedGpu(gpu) === null) return devices;
  return [selectDevice(devices, gpu)];
}

/** Pick a device by index or UUID ("auto" or nothing: the first), with an error that lists what exists. */
export function selectDevice(devices: GpuDeviceInfo[], gpu: string | undefined): GpuDeviceInfo {
  if (devices.length === 0) throw new ProbeError('no-device', 'no GPU found');
  if (gpu === undefined || pinnedGpu(gpu) === null) return devices[0] as GpuDeviceInfo;
  const found = /^\d+$/.test(gpu)
    ? devices.find((d) => d.index === Number(gpu))
    : devices.find((d) => d.uuid.toLowerCase() === gpu.toLowerCase());
  if (!found) {
    const known = devices.map((d) => `${d.index} (${d.uuid})`).join(', ');
    throw new ProbeError('unknown-gpu', `unknown GPU "${gpu}"; available: ${known}`);
  }
  return found;
}

/**
 * The names in a probe's process list: each pid's name is read once, not at every tick, and forgotten when
 * the process leaves the GPU, so a pid the system reuses is named afresh. `readName` null: `pid N`.
 */
export class ProcessNames {
  private readonly cache = new Map<number, string>();

  constructor(private readonly readName: (pid: number) => string | null) {}

  name(pid: number): string {
    let name = this.cache.get(pid);
    if (name === undefined) {
      name = this.readName(pid) || `pid ${pid}`;
      this.cache.set(pid, name);
    }
    return name;
  }

  keepOnly(live: Iterable<number>): void {
    const keep = new Set(live);
    for (const pid of this.cache.keys()) if (!keep.has(pid)) this.cache.delete(pid);
  }
}
