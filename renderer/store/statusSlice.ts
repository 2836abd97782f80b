import type { StateCreator } from 'zustand/vanilla';
import type { EngineStatus } from '../../shared/engineEvents';
import type { Level } from '../../shared/pressurePolicy';
import type { AppState } from './appStore';
import { shareStatus } from './shareStatus';

/** The engine's latest status (the `status` call), patched by `level` events between refreshes. */
export interface StatusSlice {
  status: EngineStatus | null;
  applyStatus: (next: EngineStatus) => void;
  /** A `level` event arrives before the next status refresh: the badge follows at once. */
  patchLevel: (level: Level) => void;
}

export const createStatusSlice: StateCreator<AppState, [], [], StatusSlice> = (set, get) => ({
  status: null,
  applyStatus: (next) => {
    set({ status: shareStatus(get().status, next) });
    // Before the first sample event (or after a reconnect) the status is the freshest reading.
    const at = next.lastSampleAtMs;
    const latest = get().telemetry.latest;
    if (at !== null && next.totalMiB > 0 && (latest === null || at > latest.atMs)) {
      get().pushReading({ atMs: at, usage: next.usage, usedMiB: next.usedMiB, totalMiB: next.totalMiB });
    }
  },
  patchLevel: (level) => {
    const status = get().status;
    if (status && status.level !== level) set({ status: { ...status, level } });
  },
});
