import type { Feeds, Outputs, SessionHandle } from './session';

/**
 * A session that counts its running inferences, so a hot swap can wait for them to finish
 * before releasing it: a session is never released under a running inference.
 */
export class TrackedSession {
  private running = 0;
  private drainWaiters: (() => void)[] = [];
  private released = false;

  constructor(readonly handle: SessionHandle) {}

  get device() {
    return this.handle.device;
  }

  get ep() {
    return this.handle.ep;
  }

  get inFlight(): number {
    return this.running;
  }

  async run(feeds: Feeds): Promise<Outputs> {
    this.running++;
    try {
      return await this.handle.run(feeds);
    } finally {
      this.running--;
      if (this.running === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    }
  }

  /** Wait for the inferences already started, then release. Idempotent. */
  async drainAndRelease(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.running > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    await this.handle.release();
  }
}
