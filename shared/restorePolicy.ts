import { levelRank, type Level } from './pressurePolicy';
import type { Thresholds } from './settings';

/** Pure admission and restore rules. Every refusal is a sentence a user can act on. */
export type Verdict = { ok: true } | { ok: false; reason: string };

export interface AdmissionInput {
  modelId: string;
  /** Measured VRAM of this model on this GPU, else its weight-size estimate. */
  neededMiB: number;
  freeMiB: number;
  headroomMiB: number;
}

/** A GPU load is admitted only if the headroom remains free afterwards. */
export function checkAdmission(a: AdmissionInput): Verdict {
  if (a.freeMiB - a.neededMiB >= a.headroomMiB) return { ok: true };
  const headroom = a.headroomMiB > 0 ? ` plus ${mib(a.headroomMiB)} headroom` : '';
  return {
    ok: false,
    reason: `${a.modelId} needs ~${mib(a.neededMiB)} on the GPU${headroom}, ${mib(a.freeMiB)} free`,
  };
}

export interface RestoreInput extends AdmissionInput {
  trigger: 'auto' | 'manual';
  level: Level;
  usedMiB: number;
  totalMiB: number;
  thresholds: Thresholds;
  /** Usage has stayed at or below the restore threshold for the recovery dwell. */
  dwellElapsed: boolean;
  /** An utterance is being transcribed right now. */
  inFlight: boolean;
  permanentCpu: boolean;
  gpuAvailable: boolean;
  /** A failed restore backs off: no automatic retry before this time. */
  backoffRemainingMs: number;
  /** How current the reading these figures come from is. */
  reading: ReadingInput;
}

export interface ReadingInput {
  /** Age of the latest GPU reading. */
  ageMs: number;
  /** Older than this (two sampling intervals), the reading no longer says what is free. */
  maxAgeMs: number;
  /** The probe's error while it is failing, else null. */
  probeError: string | null;
}

/** A load judged on a stale figure can overfill the GPU: no reading, no GPU load. */
export function checkReading(r: ReadingInput): Verdict {
  if (r.probeError !== null) {
    return { ok: false, reason: `the GPU monitor is failing (${r.probeError}): free memory is unknown` };
  }
  if (r.ageMs > r.maxAgeMs) {
    return {
      ok: false,
      reason: `the last GPU reading is ${(r.ageMs / 1000).toFixed(1)} s old: waiting for a current one`,
    };
  }
  return { ok: true };
}

export function checkRestore(r: RestoreInput): Verdict {
  if (!r.gpuAvailable) return { ok: false, reason: 'no GPU execution provider is available' };
  const current = checkReading(r.reading);
  if (!current.ok) return current;
  const gate = r.trigger === 'auto' ? checkAutomaticOnly(r) : checkManualOnly(r);
  if (!gate.ok) return gate;
  const admitted = checkAdmission(r);
  if (!admitted.ok) return admitted;
  return checkProjection(r);
}

/**
 * The user's Restore is judged on the latest reading, not on the level: during EMERGENCY's recovery dwell usage
 * may already be low, and a model that fits may go back.
 */
function checkManualOnly(r: RestoreInput): Verdict {
  const usage = r.usedMiB / r.totalMiB;
  if (usage < r.thresholds.emergency) return { ok: true };
  return { ok: false, reason: `GPU memory is at the EMERGENCY level (${pct(usage)} used)` };
}

function checkAutomaticOnly(r: RestoreInput): Verdict {
  if (r.permanentCpu) return { ok: false, reason: 'permanent CPU fallback after repeated GPU errors' };
  if (levelRank(r.level) > levelRank('NORMAL')) return { ok: false, reason: `memory level is ${r.level}` };
  if (!r.dwellElapsed) {
    return {
      ok: false,
      reason: `usage has not stayed at or below ${pct(r.thresholds.restore)} for the dwell`,
    };
  }
  if (r.inFlight) return { ok: false, reason: 'an utterance is being transcribed' };
  if (r.backoffRemainingMs > 0) {
    return {
      ok: false,
      reason: `backing off ${Math.ceil(r.backoffRemainingMs / 1000)} s after a failed restore`,
    };
  }
  return { ok: true };
}

/**
 * Automatic restores must leave usage below WARNING (or they would trigger cleanup at once);
 * a manual one only below EMERGENCY (or it would be offloaded again immediately).
 */
function checkProjection(r: RestoreInput): Verdict {
  const limitName = r.trigger === 'auto' ? 'warning' : 'emergency';
  const limit = r.thresholds[limitName];
  const projected = (r.usedMiB + r.neededMiB) / r.totalMiB;
  if (projected < limit) return { ok: true };
  return {
    ok: false,
    reason: `loading ${r.modelId} (~${mib(r.neededMiB)}) would take the GPU to ${pct(projected)}, at or above the ${limitName} threshold ${pct(limit)}`,
  };
}

export interface PrioritizedModel {
  role: string;
  /** What a GPU load is expected to take. */
  estimateMiB: number;
}

/**
 * The order models go to the GPU (restore and placement): the speech-to-text model first, since dictation waits
 * on it, then the others by how much they gain from the GPU, taken as their size (the work of a run grows with
 * its weights). Stable: equal models keep their order.
 */
export function byGpuPriority<T extends PrioritizedModel>(models: readonly T[]): T[] {
  const rank = (m: T) => (m.role === 'stt' ? 0 : 1);
  return [...models].sort((a, b) => rank(a) - rank(b) || b.estimateMiB - a.estimateMiB);
}

export function mib(n: number): string {
  return `${Math.round(n)} MiB`;
}

export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
