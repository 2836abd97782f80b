/**
 * Time as the engine sees it. The app uses wall time; `simulate` and tests use a virtual clock
 * so a 12-second scenario runs in milliseconds and every run gives the same events.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to: `runUntil` fires timers in time order. */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** The next live timer's time, or null. */
  nextAt(): number | null {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let next: Timer | null = null;
    for (const t of this.timers) if (next === null || earlier(t, next)) next = t;
    return next?.at ?? null;
  }

  /**
   * Fire timers in order up to `endMs`. `settle` runs after each timer so async work it started
   * (session creation, queued actions) completes before time moves on.
   */
  async runUntil(endMs: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const at = this.nextAt();
      if (at === null || at > endMs) break;
      const due = this.timers.filter((t) => t.at === at).sort((a, b) => a.seq - b.seq)[0] as Timer;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = at;
      due.fn();
      await settle();
    }
    this.current = Math.max(this.current, endMs);
  }
}

function earlier(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
