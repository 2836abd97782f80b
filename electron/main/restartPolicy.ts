/**
 * When to restart a crashed engine, and when to stop trying. Pure: the supervisor feeds it crash
 * times from its clock. Backoff grows with the crashes inside the window, so an engine that ran
 * quietly for a while restarts quickly again, while a crash loop ends in a visible failure instead
 * of a process that spins forever.
 */
export interface RestartPolicyOptions {
  /** Delay before the first restart. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** This many crashes within `windowMs` → give up. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  initialDelayMs: 500,
  maxDelayMs: 15_000,
  factor: 2,
  maxCrashes: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number; attempt: number } | { action: 'give-up'; reason: string };

export class RestartPolicy {
  private readonly options: RestartPolicyOptions;
  private crashes: number[] = [];

  constructor(options: Partial<RestartPolicyOptions> = {}) {
    this.options = { ...DEFAULT_RESTART_POLICY, ...options };
    if (this.options.maxCrashes < 1) throw new Error('maxCrashes must be at least 1');
  }

  /** Record a crash at `nowMs` and decide what happens next. */
  crashed(nowMs: number): RestartDecision {
    const { windowMs, maxCrashes, initialDelayMs, maxDelayMs, factor } = this.options;
    this.crashes = this.crashes.filter((t) => nowMs - t < windowMs);
    this.crashes.push(nowMs);
    const n = this.crashes.length;
    if (n >= maxCrashes) {
      return {
        action: 'give-up',
        reason: `the engine crashed ${n} times within ${Math.round(windowMs / 1000)} s`,
      };
    }
    return {
      action: 'restart',
      delayMs: Math.min(maxDelayMs, initialDelayMs * factor ** (n - 1)),
      attempt: n,
    };
  }

  /** Crashes still inside the window at `nowMs`. */
  recentCrashes(nowMs: number): number {
    return this.crashes.filter((t) => nowMs - t < this.options.windowMs).length;
  }

  /** The user asked for a fresh start (Restart engine): forget the history. */
  reset(): void {
    this.crashes = [];
  }
}
