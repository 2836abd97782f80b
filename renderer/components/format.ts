/** How numbers read in the UI (and what the browser tests match: "81.2%", "6496 / 8000 MiB"). */
export function formatUsage(usage: number): string {
  return `${(usage * 100).toFixed(1)}%`;
}

export function formatMiBPair(usedMiB: number, totalMiB: number): string {
  return `${Math.round(usedMiB)} / ${Math.round(totalMiB)} MiB`;
}

export function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

/** Durations from microseconds-scale cleanups to second-long model moves. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatClock(atMs: number): string {
  return new Date(atMs).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
