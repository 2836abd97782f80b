/** Reconnect delays: quick first retries (an engine restart takes about a second), then a slow steady poll. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 5000, factor: 2 };

/** The delay before retry number `failures` (1 = after the first failure). */
export function backoffMs(failures: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  if (failures <= 0) return opts.baseMs;
  return Math.min(opts.maxMs, opts.baseMs * opts.factor ** (failures - 1));
}
