import { levelRank, type Level } from '../../shared/pressurePolicy';

/**
 * Desktop notifications on memory level changes, rate-limited. Pure: the clock is injected and the
 * caller shows what `decide` returns. The tray icon already shows every level; a notification is
 * for the moments a user should look up (models about to move or moved, and the all-clear).
 */
export interface NowClock {
  now(): number;
}

export interface RateLimitOptions {
  /** At most this many in any `windowMs`. */
  max: number;
  windowMs: number;
  /** And never two closer than this. */
  minGapMs: number;
}

export const DEFAULT_NOTIFICATION_LIMIT: RateLimitOptions = { max: 3, windowMs: 60_000, minGapMs: 5_000 };

/** A sliding-window limiter: `tryTake()` says whether one more may go now, and records it if so. */
export class RateLimiter {
  private taken: number[] = [];

  constructor(
    private readonly clock: NowClock,
    private readonly options: RateLimitOptions = DEFAULT_NOTIFICATION_LIMIT,
  ) {}

  tryTake(): boolean {
    const now = this.clock.now();
    this.taken = this.taken.filter((t) => now - t < this.options.windowMs);
    const last = this.taken[this.taken.length - 1];
    if (last !== undefined && now - last < this.options.minGapMs) return false;
    if (this.taken.length >= this.options.max) return false;
    this.taken.push(now);
    return true;
  }
}

export interface NotificationText {
  title: string;
  body: string;
}

/** What a level change says, or null when it is not worth interrupting the user. */
export function levelNotification(from: Level, to: Level, usage: number): NotificationText | null {
  const pct = `${(usage * 100).toFixed(1)}%`;
  const up = levelRank(to) > levelRank(from);
  if (up && to === 'EMERGENCY')
    return {
      title: 'GPU memory critical: speech models moving to the CPU',
      body: `GPU memory is ${pct} used. Dictation keeps working on the CPU; Restore to GPU brings the models back when memory frees up.`,
    };
  if (up && to === 'CRITICAL')
    return {
      title: 'GPU memory is running low',
      body: `GPU memory is ${pct} used. Swictation freed what it could and prepared a CPU standby.`,
    };
  if (to === 'NORMAL' && levelRank(from) >= levelRank('CRITICAL'))
    return { title: 'GPU memory recovered', body: `GPU memory is back to ${pct} used.` };
  return null;
}

/**
 * Level notifications through a limiter: a usage hovering at a threshold flips levels back and
 * forth (within the hysteresis) and must not become a stream of popups; the tray icon keeps
 * showing every change.
 */
export class LevelNotifier {
  private readonly limiter: RateLimiter;

  constructor(clock: NowClock, options: RateLimitOptions = DEFAULT_NOTIFICATION_LIMIT) {
    this.limiter = new RateLimiter(clock, options);
  }

  decide(from: Level, to: Level, usage: number): NotificationText | null {
    const text = levelNotification(from, to, usage);
    return text && this.limiter.tryTake() ? text : null;
  }
}
