/**
 * The last few minutes of GPU readings in fixed typed arrays: pushing at 10 Hz (or 50 Hz at the shortest
 * sampling interval) never allocates, and the oldest reading is overwritten once the ring is full.
 */
export interface TelemetryWindow {
  /** Seconds (uPlot's time unit), oldest first. */
  atSec: Float64Array;
  /** Fractions 0..1. */
  usage: Float64Array;
}

/** A reading as the ring keeps it (the backfill's points carry no more). */
export interface RingPoint {
  atMs: number;
  usage: number;
}

export class TelemetryRing {
  private readonly atMs: Float64Array;
  private readonly usage: Float32Array;
  private head = 0;
  private count = 0;

  /** 16384 readings hold 5 minutes even at the 20 ms minimum interval (15000). */
  constructor(readonly capacity = 16_384) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.atMs = new Float64Array(capacity);
    this.usage = new Float32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the newest reading, or null when empty. */
  get lastAtMs(): number | null {
    return this.count === 0 ? null : (this.atMs[(this.head - 1 + this.capacity) % this.capacity] ?? null);
  }

  push(atMs: number, usage: number): void {
    // A reading older than the newest (a restarted engine with another clock) would fold the chart's
    // time axis back on itself: start over instead.
    const last = this.lastAtMs;
    if (last !== null && atMs < last) this.clear();
    this.atMs[this.head] = atMs;
    this.usage[this.head] = usage;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /**
   * Readings from before this window connected (the engine's `samples.recent`) joined with the live ones already
   * here: one ordered series, one reading per time (the live one wins where both have it), the newest kept.
   */
  merge(points: readonly RingPoint[]): void {
    const byTime = new Map<number, number>();
    for (const p of points) byTime.set(p.atMs, p.usage);
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const j = (start + i) % this.capacity;
      byTime.set(this.atMs[j] ?? 0, this.usage[j] ?? 0);
    }
    const times = [...byTime.keys()].sort((a, b) => a - b).slice(-this.capacity);
    this.clear();
    for (const t of times) this.push(t, byTime.get(t) ?? 0);
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Readings newer than `windowMs` before the newest one, oldest first, copied out for the chart. */
  window(windowMs: number): TelemetryWindow {
    const last = this.lastAtMs;
    if (last === null) return { atSec: new Float64Array(0), usage: new Float64Array(0) };
    const from = last - windowMs;
    const start = (this.head - this.count + this.capacity) % this.capacity;
    // Readings are in time order, so skip the old ones from the front.
    let skip = 0;
    while (skip < this.count && (this.atMs[(start + skip) % this.capacity] ?? 0) < from) skip++;
    const n = this.count - skip;
    const out: TelemetryWindow = { atSec: new Float64Array(n), usage: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const j = (start + skip + i) % this.capacity;
      out.atSec[i] = (this.atMs[j] ?? 0) / 1000;
      out.usage[i] = this.usage[j] ?? 0;
    }
    return out;
  }
}
