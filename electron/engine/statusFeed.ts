import type { EngineEvent, EngineStatus } from '../../shared/engineEvents';
import type { Clock, TimerHandle } from './runtime/clock';

export interface StatusFeedOptions {
  clock: Clock;
  /** The status now; null while the engine is still being built (nothing to publish yet). */
  read: () => EngineStatus | null;
  emit: (event: EngineEvent) => void;
  /** At most one status event per this many ms (near a threshold samples come every 100 ms). */
  minGapMs?: number;
  /**
   * Some fields change with time alone, with no event to say so: a strike leaves the window, the latest reading
   * grows too old to restore on. The feed looks again this often while nothing else pokes it.
   */
  recheckMs?: number;
}

export const STATUS_MIN_GAP_MS = 250;
export const STATUS_RECHECK_MS = 1000;

/**
 * Pushes the engine's status to its clients, so that none of them has to ask again after each event.
 * `poke()` after anything that may have changed it: the status is read on the next turn (after the change has
 * finished), sent only when it differs from the last one sent, and throttled to one per `minGapMs`; a poke
 * inside the gap sends at its end, reading the status then, so the latest change is never lost.
 */
export class StatusFeed {
  private readonly minGapMs: number;
  private readonly recheckMs: number;
  private pending: TimerHandle | null = null;
  private recheck: TimerHandle | null = null;
  private lastSentKey: string | null = null;
  private lastSentAtMs = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(private readonly opts: StatusFeedOptions) {
    this.minGapMs = opts.minGapMs ?? STATUS_MIN_GAP_MS;
    this.recheckMs = opts.recheckMs ?? STATUS_RECHECK_MS;
  }

  /** Something may have changed the status: publish it soon if it did. */
  poke(): void {
    if (this.stopped || this.pending) return;
    const wait = Math.max(0, this.lastSentAtMs + this.minGapMs - this.opts.clock.now());
    this.pending = this.opts.clock.setTimeout(() => this.publish(), wait);
  }

  stop(): void {
    this.stopped = true;
    this.pending?.cancel();
    this.recheck?.cancel();
    this.pending = this.recheck = null;
  }

  private publish(): void {
    this.pending = null;
    if (this.stopped) return;
    this.scheduleRecheck();
    const status = this.opts.read();
    if (!status) return;
    const key = JSON.stringify(status);
    if (key === this.lastSentKey) return;
    this.lastSentKey = key;
    this.lastSentAtMs = this.opts.clock.now();
    this.opts.emit({ type: 'status', status });
  }

  private scheduleRecheck(): void {
    this.recheck?.cancel();
    this.recheck = this.opts.clock.setTimeout(() => this.poke(), this.recheckMs);
  }
}
