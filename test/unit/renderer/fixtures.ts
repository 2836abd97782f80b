import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';

/** A status as the engine sends it, with the parts a test cares about overridden. */
export function status(over: Partial<EngineStatus> = {}): EngineStatus {
  return {
    level: 'NORMAL',
    usage: 0.5,
    totalMiB: 8000,
    usedMiB: 4000,
    freeMiB: 4000,
    reservedMiB: null,
    gpu: { name: 'Simulated', index: 0, uuid: 'GPU-sim', vendor: 'simulated' },
    gpus: [
      {
        index: 0,
        uuid: 'GPU-sim',
        name: 'Simulated',
        vendor: 'simulated',
        level: 'NORMAL',
        usage: 0.5,
        totalMiB: 8000,
        usedMiB: 4000,
        freeMiB: 4000,
        reservedMiB: null,
        lastSampleAtMs: 1000,
        strikes: 0,
        out: false,
      },
    ],
    probe: { kind: 'simulated', ok: true },
    models: [
      {
        id: 'stt',
        role: 'speech',
        device: 'gpu',
        ep: 'webgpu',
        vramMiB: 900,
        estimateMiB: 900,
        reason: 'admitted',
        movedAtMs: 1000,
        gpu: 0,
      },
    ],
    gpuErrors: { count: 0, limit: 3, inWindow: 0, windowMs: 600_000 },
    permanentCpu: false,
    pinnedByUser: false,
    restoreBlocker: 'every model that prefers the GPU is already on it',
    lastSampleAtMs: 1000,
    samplingIntervalMs: 2000,
    ...over,
  };
}

export function sample(atMs: number, usedMiB: number, totalMiB = 8000): EngineEvent {
  return {
    type: 'sample',
    usage: usedMiB / totalMiB,
    sample: {
      atMs,
      gpu: { index: 0, uuid: 'GPU-sim', name: 'Simulated', vendor: 'simulated' },
      totalMiB,
      freeMiB: totalMiB - usedMiB,
      usedMiB,
      reservedMiB: null,
      processMiB: null,
      topProcesses: [],
    },
  };
}
