/**
 * A short trend of GPU usage: a least-squares line through the last few seconds of readings. Pure (readings come
 * with their own times), so tests and backtests drive it with any clock.
 */
export interface UsagePoint {
  atMs: number;
  usage: number;
}

/** How far back the trend looks, and the least it needs to say anything. */
export const TREND_WINDOW_MS = 5_000;
const MIN_POINTS = 3;
const MIN_SPAN_MS = 300;

/** The trend with `point` added and readings older than the window dropped. */
export function addPoint(
  points: readonly UsagePoint[],
  point: UsagePoint,
  windowMs = TREND_WINDOW_MS,
): UsagePoint[] {
  const kept = points.filter((p) => p.atMs > point.atMs - windowMs && p.atMs < point.atMs);
  return [...kept, point];
}

/** Usage per second along the least-squares line, or null with too few readings or too short a span. */
export function slopePerSecond(points: readonly UsagePoint[]): number | null {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || points.length < MIN_POINTS || last.atMs - first.atMs < MIN_SPAN_MS) return null;
  const n = points.length;
  // Seconds relative to the first reading keep the sums small and exact enough.
  const xs = points.map((p) => (p.atMs - first.atMs) / 1000);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = points.reduce((a, p) => a + p.usage, 0) / n;
  let sxy = 0;
  let sxx = 0;
  points.forEach((p, i) => {
    const dx = (xs[i] ?? 0) - meanX;
    sxy += dx * (p.usage - meanY);
    sxx += dx * dx;
  });
  return sxx === 0 ? null : sxy / sxx;
}

/**
 * Milliseconds until usage reaches `target` if the trend holds: 0 when the last reading is already there, null when
 * the trend is flat, falling or unknown (it will not get there by this trend).
 */
export function msUntil(points: readonly UsagePoint[], target: number): number | null {
  const last = points.at(-1);
  if (!last) return null;
  if (last.usage >= target) return 0;
  const slope = slopePerSecond(points);
  if (slope === null || slope <= 0) return null;
  return ((target - last.usage) / slope) * 1000;
}

/** Each of the last `steps` changes a rise of at least `minStep`: a climb, which a lone spike never is. */
export function risingSteadily(points: readonly UsagePoint[], steps = 3, minStep = 0.005): boolean {
  const recent = points.slice(-(steps + 1));
  if (recent.length < steps + 1) return false;
  return recent.slice(1).every((p, i) => p.usage - (recent[i]?.usage ?? Infinity) >= minStep);
}
