import type { EngineEvent } from '../../shared/engineEvents';
import { LEVELS, type Level } from '../../shared/pressurePolicy';
import type { RecentSample } from '../../shared/contract';

/** What a window's timeline shows: the engine keeps as much so a window opened late starts full. */
export const SAMPLE_HISTORY_MS = 5 * 60_000;
/** 5 minutes at the shortest sampling interval (20 ms) is 15000 readings: a fixed ceiling above that. */
export const SAMPLE_HISTORY_CAPACITY = 16_384;

const NO_LEVEL = 255;

/**
 * The last few minutes of readings, for windows that connect after they were taken (`samples.recent`).
 * Fixed typed arrays: at 10-50 Hz a push never allocates, and the ring is bounded twice, by count (the
 * oldest is overwritten when full) and by time (what is older than `windowMs` before the newest is left out).
 */
export class SampleHistory {
  private readonly atMs: Float64Array;
  private readonly usage: Float32Array;
  private readonly level: Uint8Array;
  private head = 0;
  private count = 0;
  /** The level in force, from `level` events: each reading is stamped with the level it was judged at. */
  private current: Level | null = null;

  constructor(
    readonly capacity = SAMPLE_HISTORY_CAPACITY,
    readonly windowMs = SAMPLE_HISTORY_MS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    if (!(windowMs > 0)) throw new RangeError('windowMs must be positive');
    this.atMs = new Float64Array(capacity);
    this.usage = new Float32Array(capacity);
    this.level = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Follows the engine's events: readings from `sample`, the level they were judged at from `level`. */
  observe(e: EngineEvent): void {
    if (e.type === 'sample') this.push(e.sample.atMs, e.usage);
    else if (e.type === 'level') {
      this.current = e.to;
      // The manager emits a reading's `level` right after its `sample`: that newest reading caused it.
      if (this.count > 0) this.level[this.newest()] = LEVELS.indexOf(e.to);
    }
  }

  /** The level in force before any `level` event (the manager starts at one and says so only on a change). */
  startAt(level: Level): void {
    this.current ??= level;
  }

  push(atMs: number, usage: number): void {
    // Time that runs backwards (a scenario restarted on another clock) would fold the timeline: start over.
    if (this.count > 0 && atMs < (this.atMs[this.newest()] ?? 0)) this.count = this.head = 0;
    this.atMs[this.head] = atMs;
    this.usage[this.head] = usage;
    this.level[this.head] = this.current === null ? NO_LEVEL : LEVELS.indexOf(this.current);
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The readings within `windowMs` of the newest, oldest first. */
  recent(): RecentSample[] {
    if (this.count === 0) return [];
    const from = (this.atMs[this.newest()] ?? 0) - this.windowMs;
    const start = (this.head - this.count + this.capacity) % this.capacity;
    const out: RecentSample[] = [];
    for (let i = 0; i < this.count; i++) {
      const j = (start + i) % this.capacity;
      const atMs = this.atMs[j] ?? 0;
      if (atMs < from) continue;
      const level = LEVELS[this.level[j] ?? NO_LEVEL];
      // Float32 keeps ~7 digits; the wire needs no more than the 0.01 % the UI shows.
      const usage = Math.round((this.usage[j] ?? 0) * 1e6) / 1e6;
      out.push(level ? { atMs, usage, level } : { atMs, usage });
    }
    return out;
  }

  private newest(): number {
    return (this.head - 1 + this.capacity) % this.capacity;
  }
}
