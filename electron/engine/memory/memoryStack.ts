import type { EngineEvent } from '../../../shared/engineEvents';
import type { MemorySettings } from '../../../shared/settings';
import { ModelHost } from '../models/modelHost';
import type { SessionFactory } from '../models/session';
import type { Clock } from '../runtime/clock';
import { MemoryManager } from './memoryManager';

/** Where the GPU readings come from: the monitor's worker, a sampling loop on a simulated GPU, a test's own. */
export interface ReadingSource {
  /** Free VRAM of GPU `gpu` (its index) right now (a fresh reading): the host measures a GPU load with it. */
  readFreeMiB: (gpu: number) => Promise<number | null>;
  /** A reading of `gpu` `afterMs` from now (the manager confirms a spike before an offload). */
  requestSample: (afterMs: number, gpu: number) => void;
  /** This process's memory on `gpu` now, as the probe attributes it (null or absent: it cannot tell). */
  readProcessMiB?: (gpu: number) => Promise<number | null>;
  /** Apply the adaptive sampling interval; absent where the caller samples on its own cadence. */
  setSamplingInterval?: (ms: number) => void;
}

export interface MemoryStackOptions {
  factory: SessionFactory;
  clock: Clock;
  settings: MemorySettings;
  /** Whether a GPU execution provider exists at all. */
  gpuAvailable: boolean;
  probeKind: string;
  readings: ReadingSource;
  emit: (event: EngineEvent) => void;
}

export interface MemoryStack {
  host: ModelHost;
  manager: MemoryManager;
}

/**
 * The ModelHost and the MemoryManager that drives it, wired one way everywhere (engine, scenarios, checks,
 * tests): placements become events, and a GPU error the host met (its run already retried on the CPU)
 * becomes a strike. The two point at each other, which is why one function builds the pair.
 */
export function createMemoryStack(opts: MemoryStackOptions): MemoryStack {
  const { clock, emit, readings } = opts;
  let manager: MemoryManager | null = null;
  const host = new ModelHost({
    factory: opts.factory,
    clock,
    readFreeMiB: readings.readFreeMiB,
    ...(readings.readProcessMiB ? { readProcessMiB: readings.readProcessMiB } : {}),
    onPlacement: (p) => emit({ type: 'placement', ...p }),
    onGpuError: (e) => manager?.recordGpuError(e.kind, e.message, e.modelId, 'cpu', e.gpu),
  });
  manager = new MemoryManager({
    settings: opts.settings,
    host,
    clock,
    gpuAvailable: opts.gpuAvailable,
    probeKind: opts.probeKind,
    requestSample: readings.requestSample,
    ...(readings.readProcessMiB ? { readProcessMiB: readings.readProcessMiB } : {}),
    ...(readings.setSamplingInterval ? { setSamplingInterval: readings.setSamplingInterval } : {}),
    emit,
  });
  return { host, manager };
}
