import type { MemorySettings } from './settings';

/**
 * GPU error strikes decay: an error counts towards `gpuErrorLimit` only within `gpuErrorWindowMs` of it, so three
 * out-of-memory errors hours apart (with thousands of good GPU runs between them) are not a failing GPU.
 * Pure: the MemoryManager keeps the strike times and passes its clock.
 */
export type StrikeConfig = Pick<MemorySettings, 'gpuErrorLimit' | 'gpuErrorWindowMs'>;

/** The strikes still inside the window at `nowMs`, oldest first. */
export function strikesInWindow(times: readonly number[], nowMs: number, windowMs: number): number[] {
  return times.filter((t) => nowMs - t < windowMs);
}

export interface StrikeStep {
  /** Strike times to keep: the expired ones are dropped. */
  times: number[];
  /** The strikes inside the window now reach the limit: time for the permanent CPU fallback. */
  limitReached: boolean;
}

export function addStrike(times: readonly number[], nowMs: number, config: StrikeConfig): StrikeStep {
  const kept = [...strikesInWindow(times, nowMs, config.gpuErrorWindowMs), nowMs];
  return { times: kept, limitReached: kept.length >= config.gpuErrorLimit };
}
