/**
 * A download must end: the stall timeout catches a server that sends nothing, but not one that trickles a
 * few bytes every few seconds (40 bytes over 20 s kept a download alive). This checks, as bytes arrive, an
 * overall deadline and a minimum rate over a sliding window.
 */
export interface PaceLimits {
  /** The whole download (every file) must finish by this time (performance.now() ms). */
  deadlineAt: number;
  /** Fewer bytes than this per second, averaged over `windowMs`, is too slow. */
  minBytesPerSecond: number;
  windowMs: number;
}

export const DEFAULT_DEADLINE_MS = 6 * 60 * 60 * 1000;
export const DEFAULT_MIN_BYTES_PER_SECOND = 4 * 1024;
export const DEFAULT_RATE_WINDOW_MS = 60 * 1000;

export class PaceGuard {
  private windowStart: number;
  private windowBytes = 0;

  constructor(
    private readonly limits: PaceLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windowStart = now();
  }

  /** `bytes` more arrived: why the download is too slow or too late, or null while it is fine. */
  add(bytes: number): string | null {
    const now = this.now();
    if (now > this.limits.deadlineAt) return 'the download did not finish within its deadline';
    this.windowBytes += bytes;
    const elapsed = now - this.windowStart;
    if (elapsed < this.limits.windowMs) return null;
    const rate = (this.windowBytes * 1000) / elapsed;
    if (rate < this.limits.minBytesPerSecond) {
      return `too slow: ${rate.toFixed(0)} bytes/s over the last ${(elapsed / 1000).toFixed(0)} s (at least ${this.limits.minBytesPerSecond} needed)`;
    }
    this.windowStart = now;
    this.windowBytes = 0;
    return null;
  }
}
