import type { Level } from '../../shared/pressurePolicy';

/**
 * The soak's simulated GPU: usage walks NORMAL → WARNING → CRITICAL → EMERGENCY and back down one level at a
 * time, over and over. Each phase sits in the middle of its band, so the model moving on and off the simulated
 * GPU (a few MiB) never crosses a threshold, and every phase outlasts the recovery dwell: each phase change is
 * exactly one level transition, which is what the soak checks against.
 */
export interface Phase {
  level: Level;
  usage: number;
  ms: number;
}

export const GPU = { name: 'Simulated 8 GB (soak)', totalMiB: 8000, reservedMiB: 300 };

export const CYCLE: readonly Phase[] = [
  { level: 'NORMAL', usage: 0.5, ms: 8000 },
  { level: 'WARNING', usage: 0.85, ms: 4000 },
  { level: 'CRITICAL', usage: 0.925, ms: 4000 },
  { level: 'EMERGENCY', usage: 0.98, ms: 6000 },
  { level: 'CRITICAL', usage: 0.925, ms: 4000 },
  { level: 'WARNING', usage: 0.85, ms: 4000 },
];

export const CYCLE_MS = CYCLE.reduce((sum, p) => sum + p.ms, 0);

/** Thresholds are the defaults; a small hysteresis lets each step down land on the level below. */
export const MEMORY_SETTINGS = {
  thresholds: { warning: 0.8, critical: 0.9, emergency: 0.95, restore: 0.6 },
  hysteresis: 0.01,
  intervalMs: 100,
  recoveryDwellMs: 1000,
  cooldownMs: 5000,
  reportIntervalMs: 60_000,
};

/** A phase change the engine must report: at `atMs` after the scenario starts, `from` → `to`. */
export interface ExpectedTransition {
  atMs: number;
  from: Level;
  to: Level;
}

/** The phases, cycle after cycle, until `durationMs` is covered; ends with a return to NORMAL. */
export function schedule(durationMs: number): { atMs: number; phase: Phase }[] {
  const out: { atMs: number; phase: Phase }[] = [];
  let at = 0;
  while (at < durationMs) {
    for (const phase of CYCLE) {
      out.push({ atMs: at, phase });
      at += phase.ms;
    }
  }
  out.push({ atMs: at, phase: CYCLE[0] as Phase });
  return out;
}

export function expectedTransitions(durationMs: number): ExpectedTransition[] {
  const phases = schedule(durationMs);
  return phases.slice(1).map((p, i) => ({
    atMs: p.atMs,
    from: (phases[i] as { phase: Phase }).phase.level,
    to: p.phase.level,
  }));
}

/** The scenario file the engine is started with (`--scenario`): no models of its own, speech adds stt. */
export function oscillatingScenario(durationMs: number) {
  const steps = schedule(durationMs).map(({ atMs, phase }) => ({
    atMs,
    externalMiB: Math.round(phase.usage * GPU.totalMiB - GPU.reservedMiB),
  }));
  const last = steps[steps.length - 1]?.atMs ?? 0;
  return { gpu: GPU, settings: MEMORY_SETTINGS, models: [], steps, durationMs: last + 10_000 };
}
