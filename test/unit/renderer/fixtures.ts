import type { EngineEvent } from '../../../shared/engineEvents';

export { engineStatus as status } from '../../fixtures/engineStatus';

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
