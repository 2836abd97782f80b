import type { AdaptiveSamplingSettings, Thresholds } from './settings';

/**
 * How long to wait before the next GPU reading. The configured interval is the calm one; near a threshold, or
 * rising towards one, readings come faster (never faster than `fastestMs`), so a step is seen within a few hundred
 * milliseconds while a calm plateau costs what the fixed interval costs. Pure: the manager feeds it each reading.
 */
export interface IntervalInput {
  usage: number;
  /** Usage per second from the trend, null while unknown. */
  slopePerSecond: number | null;
  thresholds: Thresholds;
  calmMs: number;
  adaptive: AdaptiveSamplingSettings;
}

/** Readings wanted before a rising trend crosses the next threshold. */
const READINGS_BEFORE_CROSSING = 4;

export function nextIntervalMs(input: IntervalInput): number {
  const { usage, slopePerSecond, thresholds, calmMs, adaptive } = input;
  const fastest = Math.min(adaptive.fastestMs, calmMs);
  if (!adaptive.enabled || fastest >= calmMs) return calmMs;
  const marks = [thresholds.restore, thresholds.warning, thresholds.critical, thresholds.emergency];
  if (marks.some((t) => Math.abs(usage - t) <= adaptive.nearMargin)) return fastest;
  const above = marks.find((t) => t > usage);
  if (above === undefined || slopePerSecond === null || slopePerSecond <= 0) return calmMs;
  const msToCross = ((above - usage) / slopePerSecond) * 1000;
  return step(msToCross / READINGS_BEFORE_CROSSING, fastest, calmMs);
}

/**
 * The fastest interval doubled until it reaches `wanted` (or the calm one): a few steps rather than a new value
 * at every reading, so the sampler's cadence changes only when the situation does.
 */
function step(wanted: number, fastest: number, calm: number): number {
  let ms = fastest;
  while (ms * 2 <= wanted && ms * 2 < calm) ms *= 2;
  return ms * 2 > wanted ? ms : calm;
}
