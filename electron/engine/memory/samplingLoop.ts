import type { GpuSample } from '../../../shared/gpuSample';
import type { Clock, TimerHandle } from '../runtime/clock';

export interface SamplingLoopOptions {
  clock: Clock;
  intervalMs: number;
  /** One reading, or one per watched GPU. */
  read: (nowMs: number) => GpuSample | GpuSample[];
  onSample: (sample: GpuSample) => void;
  onError: (message: string, retryInMs: number) => void;
  /** Longest wait between attempts while the probe keeps failing. */
  maxBackoffMs?: number;
}

/**
 * Reads the probe at a steady cadence. Ticks are scheduled against the loop's start time, not the
 * previous tick, so a slow tick does not shift every later one. A failing probe is retried with
 * exponential backoff and reported, never thrown.
 */
export class SamplingLoop {
  private timer: TimerHandle | null = null;
  private originMs = 0;
  private tick = 0;
  private failures = 0;
  private running = false;
  private lastReadAtMs = 0;

  constructor(private readonly opts: SamplingLoopOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.originMs = this.opts.clock.now();
    this.tick = 0;
    this.sampleAndSchedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
  }

  /**
   * A new cadence, counted from the last reading: never a burst of readings when the interval changes (adaptive
   * sampling changes it often), and a shorter interval takes effect at once.
   */
  setInterval(intervalMs: number): void {
    this.opts.intervalMs = intervalMs;
    if (!this.running) return;
    this.timer?.cancel();
    const now = this.opts.clock.now();
    const delay = Math.max(0, this.lastReadAtMs + intervalMs - now);
    this.timer = this.opts.clock.setTimeout(() => {
      this.resync();
      this.sampleAndSchedule();
    }, delay);
  }

  /** A reading now, outside the cadence (to confirm a spike). Returns whether it succeeded. */
  sampleNow(): boolean {
    return this.readOnce();
  }

  private sampleAndSchedule(): void {
    if (!this.running) return;
    const ok = this.readOnce();
    const { clock, intervalMs } = this.opts;
    if (ok) {
      this.tick++;
      let delay = this.originMs + this.tick * intervalMs - clock.now();
      if (delay <= 0) {
        // Fell behind (the thread was blocked): skip the missed ticks rather than burst.
        this.resync();
        this.tick = 1;
        delay = intervalMs;
      }
      this.timer = clock.setTimeout(() => this.sampleAndSchedule(), delay);
    } else {
      this.timer = clock.setTimeout(() => {
        this.resync();
        this.sampleAndSchedule();
      }, this.backoffMs());
    }
  }

  private resync(): void {
    this.originMs = this.opts.clock.now();
    this.tick = 0;
  }

  private backoffMs(): number {
    const max = this.opts.maxBackoffMs ?? 30_000;
    return Math.min(max, this.opts.intervalMs * 2 ** Math.min(this.failures - 1, 10));
  }

  private readOnce(): boolean {
    this.lastReadAtMs = this.opts.clock.now();
    let samples: GpuSample | GpuSample[];
    try {
      samples = this.opts.read(this.opts.clock.now());
    } catch (error) {
      this.failures++;
      this.opts.onError(error instanceof Error ? error.message : String(error), this.backoffMs());
      return false;
    }
    this.failures = 0;
    for (const sample of Array.isArray(samples) ? samples : [samples]) this.opts.onSample(sample);
    return true;
  }
}
