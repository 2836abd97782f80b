import type { Feeds, Outputs, SessionHandle } from './session';

/**
 * Thrown to a run that was still waiting when its session was swapped out: it has not started, so ModelHost runs
 * it on the session that serves now.
 */
export class SessionRetired extends Error {
  constructor() {
    super('the session was swapped out before this run started');
    this.name = 'SessionRetired';
  }
}

interface Job {
  feeds: Feeds;
  resolve: (outputs: Outputs) => void;
  reject: (error: unknown) => void;
}

/**
 * A session that hands ONNX Runtime one run at a time and keeps the rest waiting here. Two reasons: a session is
 * never released under a running inference (release waits for the one running), and a swap — above all an
 * EMERGENCY evacuation — waits for at most that one run, while the runs still waiting move to the next session.
 * Runs handed to ORT all at once would all have to finish before the GPU memory could be given back.
 */
export class TrackedSession {
  private running = 0;
  private readonly waiting: Job[] = [];
  private drainWaiters: (() => void)[] = [];
  private released = false;

  /** `gpu`: the index of the GPU the session lives on (null on the CPU). */
  constructor(
    readonly handle: SessionHandle,
    readonly gpu: number | null = handle.device === 'gpu' ? 0 : null,
  ) {}

  get device() {
    return this.handle.device;
  }

  get ep() {
    return this.handle.ep;
  }

  /** Runs running or waiting on this session. */
  get inFlight(): number {
    return this.running + this.waiting.length;
  }

  run(feeds: Feeds): Promise<Outputs> {
    if (this.released) return Promise.reject(new SessionRetired());
    return new Promise<Outputs>((resolve, reject) => {
      this.waiting.push({ feeds, resolve, reject });
      this.pump();
    });
  }

  /** Let the running inference finish, send the waiting ones elsewhere, then release. Idempotent. */
  async drainAndRelease(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const job of this.waiting.splice(0)) job.reject(new SessionRetired());
    if (this.running > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    await this.handle.release();
  }

  private pump(): void {
    if (this.running > 0) return;
    const job = this.waiting.shift();
    if (!job) return;
    this.running++;
    this.handle
      .run(job.feeds)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running--;
        if (this.running === 0) for (const wake of this.drainWaiters.splice(0)) wake();
        if (!this.released) this.pump();
      });
  }
}
