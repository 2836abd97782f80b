/**
 * The engine pushes events but not its status; the UI asks for it after each event that may have changed
 * it. At 10 Hz telemetry that would be ten calls a second, so requests are coalesced: at most one in
 * flight, at least `minGapMs` apart, and a poke during a call means one more call after it.
 */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class StatusRefresher {
  private inFlight = false;
  private dirty = false;
  private timer: unknown = null;
  private lastStartMs = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly fetch: () => Promise<void>,
    private readonly minGapMs = 250,
    private readonly timers: Timers = realTimers,
  ) {}

  poke(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.dirty = true;
      return;
    }
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastStartMs + this.minGapMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private async runOnce(): Promise<void> {
    if (this.stopped) return;
    this.inFlight = true;
    this.dirty = false;
    this.lastStartMs = this.timers.now();
    try {
      await this.fetch();
    } catch {
      // The next poke retries; a lost connection is the connection's business, not this loop's.
    } finally {
      this.inFlight = false;
    }
    if (this.pokedDuringCall()) this.poke();
  }

  /** A method, not a field read: the field changes while the call is awaited. */
  private pokedDuringCall(): boolean {
    return this.dirty;
  }
}
