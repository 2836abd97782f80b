import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The engine process's own health, as `info` reports it: memory and how late its event loop runs. */
export interface ProcessHealth {
  rssMiB: number;
  heapUsedMiB: number;
  uptimeS: number;
  /**
   * Event-loop lag since monitoring began (the first served port): how late a timer fires beyond its
   * due time. Late timers mean late telemetry and late pressure reactions.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number };
}

// 10 ms resolution: fine enough to see a blocked loop, cheap enough to leave on for the process's life.
const RESOLUTION_MS = 10;
const MiB = 1024 * 1024;
let histogram: IntervalHistogram | null = null;

/** Start measuring once per process; later calls do nothing. */
export function monitorProcessHealth(): void {
  if (histogram) return;
  histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
}

export function processHealth(): ProcessHealth {
  const memory = process.memoryUsage();
  const h = histogram;
  // The histogram records the whole timer period; the lag is what exceeds the resolution.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  const seen = h !== null && h.count > 0;
  return {
    rssMiB: Math.round((memory.rss / MiB) * 10) / 10,
    heapUsedMiB: Math.round((memory.heapUsed / MiB) * 10) / 10,
    uptimeS: Math.round(process.uptime()),
    eventLoopDelayMs: {
      p50: seen ? ms(h.percentile(50)) : 0,
      p99: seen ? ms(h.percentile(99)) : 0,
      max: seen ? ms(h.max) : 0,
      samples: h?.count ?? 0,
    },
  };
}
