import type { GpuSample } from './gpuSample';
import type { Level } from './pressurePolicy';

/** What the engine tells the world: the CLI prints these, the UI draws them, tests assert on them. */
export type DeviceName = 'gpu' | 'cpu';

export interface ModelStatus {
  id: string;
  role: string;
  device: DeviceName;
  ep: string;
  vramMiB: number;
  estimateMiB: number;
  reason: string;
  movedAtMs: number;
}

export interface EngineStatus {
  level: Level;
  usage: number;
  totalMiB: number;
  usedMiB: number;
  freeMiB: number;
  reservedMiB: number | null;
  gpu: { name: string; index: number; uuid: string; vendor: string } | null;
  probe: { kind: string; ok: boolean; error?: string };
  models: ModelStatus[];
  gpuErrors: { count: number; limit: number };
  permanentCpu: boolean;
  /** The user pressed Offload to CPU: no automatic restore until they press Restore. */
  pinnedByUser: boolean;
  lastSampleAtMs: number | null;
}

export type ActionName = 'light-cleanup' | 'aggressive-cleanup' | 'prewarm-standby' | 'offload' | 'drop-standby';

export type EngineEvent =
  | { type: 'sample'; sample: GpuSample; usage: number }
  | { type: 'level'; from: Level; to: Level; usage: number }
  | { type: 'action'; name: ActionName; level: Level; ms: number; detail?: string }
  | { type: 'placement'; model: string; from: DeviceName | null; to: DeviceName; reason: string; ms: number }
  | {
      type: 'gpu-error';
      kind: string;
      count: number;
      limit: number;
      retriedOn: DeviceName | null;
      model: string | null;
      message: string;
    }
  | { type: 'permanent-cpu'; on: boolean }
  | { type: 'refused'; command: string; reason: string }
  | { type: 'probe'; ok: boolean; error?: string }
  | { type: 'report'; text: string };

export type EngineEventType = EngineEvent['type'];
