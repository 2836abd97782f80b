import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';
import { TelemetryRing } from './telemetryRing';

/** One GPU reading as the gauge shows it. */
export interface Reading {
  atMs: number;
  usage: number;
  usedMiB: number;
  totalMiB: number;
}

export const TIMELINE_WINDOW_MS = 5 * 60_000;

/**
 * Telemetry: the ring is mutated in place (no allocation per sample) and `seq` tells subscribers it
 * changed. Components never select the ring: the timeline reads it from a store subscription.
 */
export interface TelemetrySlice {
  telemetry: { ring: TelemetryRing; seq: number; latest: Reading | null };
  pushReading: (r: Reading) => void;
}

export const createTelemetrySlice: StateCreator<AppState, [], [], TelemetrySlice> = (set, get) => ({
  telemetry: { ring: new TelemetryRing(), seq: 0, latest: null },
  pushReading: (r) => {
    const { ring, seq, latest } = get().telemetry;
    // A repeated reading (the status echoing the last sample) adds nothing to the chart.
    if (latest && r.atMs === latest.atMs) return;
    ring.push(r.atMs, r.usage, r.usedMiB);
    set({ telemetry: { ring, seq: seq + 1, latest: r } });
  },
});
