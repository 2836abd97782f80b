import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';
import { TelemetryRing, type RingPoint } from './telemetryRing';

/** One GPU reading as the gauge shows it. */
export interface Reading {
  atMs: number;
  usage: number;
  usedMiB: number;
  totalMiB: number;
}

export const TIMELINE_WINDOW_MS = 5 * 60_000;

/** A process holding GPU memory, as the probe lists it. */
export interface GpuProcess {
  pid: number;
  name: string;
  usedMiB: number | null;
}

/**
 * Telemetry: the ring is mutated in place (no allocation per sample) and `seq` tells subscribers it
 * changed. Components never select the ring: the timeline reads it from a store subscription.
 */
export interface TelemetrySlice {
  telemetry: { ring: TelemetryRing; seq: number; latest: Reading | null; processes: readonly GpuProcess[] };
  pushReading: (r: Reading) => void;
  /** The engine's readings from before this window connected, merged with the live ones. */
  backfillReadings: (points: readonly RingPoint[]) => void;
  /** The latest sample's process list; an unchanged list keeps its identity (no render for it). */
  setProcesses: (list: readonly GpuProcess[]) => void;
}

export const createTelemetrySlice: StateCreator<AppState, [], [], TelemetrySlice> = (set, get) => ({
  telemetry: { ring: new TelemetryRing(), seq: 0, latest: null, processes: [] },
  pushReading: (r) => {
    const { ring, seq, latest } = get().telemetry;
    // A repeated reading (the status echoing the last sample) adds nothing to the chart.
    if (latest && r.atMs === latest.atMs) return;
    ring.push(r.atMs, r.usage);
    set({ telemetry: { ...get().telemetry, ring, seq: seq + 1, latest: r } });
  },
  backfillReadings: (points) => {
    if (points.length === 0) return;
    const t = get().telemetry;
    t.ring.merge(points);
    set({ telemetry: { ...t, seq: t.seq + 1 } });
  },
  setProcesses: (list) => {
    const t = get().telemetry;
    if (sameProcesses(t.processes, list)) return;
    set({ telemetry: { ...t, processes: list } });
  },
});

function sameProcesses(a: readonly GpuProcess[], b: readonly GpuProcess[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.pid === b[i]?.pid && p.name === b[i].name && p.usedMiB === b[i].usedMiB)
  );
}
