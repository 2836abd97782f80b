import type { GpuSample } from '../../../shared/gpuSample';
import type { GpuDeviceInfo, ProbeKind } from './probes/gpuProbe';
import type { ProbeAttempt, ProbeChoice } from './probes/openProbe';

export type { ProbeAttempt } from './probes/openProbe';

/** Messages between the GPU monitor (main thread) and its sampling worker. */
export interface MonitorConfig {
  probe: ProbeChoice;
  gpu?: string | undefined;
  pid: number;
  intervalMs: number;
  nvmlLibraryPath?: string | undefined;
  sysfsRoot?: string | undefined;
}

export type FromWorker =
  | {
      type: 'ready';
      kind: ProbeKind;
      device: GpuDeviceInfo | null;
      watched: GpuDeviceInfo[];
      attempts: ProbeAttempt[];
    }
  | { type: 'sample'; sample: GpuSample }
  | { type: 'error'; message: string; retryInMs: number }
  | { type: 'fatal'; message: string; code: string | null };

export type ToWorker = { type: 'sample-now' } | { type: 'interval'; ms: number } | { type: 'stop' };
