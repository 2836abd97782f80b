import type { ExpectedTransition } from './oscillation';

/** One pass/fail line of the soak, with the figure that decided it. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface SeenTransition {
  /** ms after the scenario started (the engine's first GPU reading). */
  atMs: number;
  from: string;
  to: string;
}

/**
 * "No missed transition": every transition the schedule caused before `settledBeforeMs` was seen, in order,
 * and nothing else was. Transitions due in the last moments of the run may or may not have arrived yet.
 */
export function compareTransitions(
  expected: readonly ExpectedTransition[],
  seen: readonly SeenTransition[],
  settledBeforeMs: number,
  endMs: number,
): Check & { expected: number; seen: number; delaysMs: number[] } {
  const due = expected.filter((t) => t.atMs <= settledBeforeMs);
  const mayHave = expected.filter((t) => t.atMs <= endMs);
  const label = (t: { from: string; to: string }) => `${t.from}→${t.to}`;
  let firstMismatch = -1;
  for (let i = 0; i < seen.length; i++) {
    const want = mayHave[i];
    if (!want || label(want) !== label(seen[i] as SeenTransition)) {
      firstMismatch = i;
      break;
    }
  }
  const missing = Math.max(0, due.length - seen.length);
  const ok = firstMismatch === -1 && missing === 0;
  const delaysMs = seen
    .slice(0, mayHave.length)
    .map((s, i) => s.atMs - (mayHave[i] as ExpectedTransition).atMs);
  const detail = ok
    ? `${seen.length} transitions seen, ${due.length} due by the schedule, in order`
    : firstMismatch !== -1
      ? mismatch(firstMismatch, seen[firstMismatch], mayHave[firstMismatch])
      : `${missing} of ${due.length} due transitions missing (saw ${seen.length})`;
  return { name: 'no missed transition', ok, detail, expected: due.length, seen: seen.length, delaysMs };
}

function mismatch(
  index: number,
  saw: SeenTransition | undefined,
  want: ExpectedTransition | undefined,
): string {
  const label = (t: { from: string; to: string } | undefined) => (t ? `${t.from}→${t.to}` : 'none');
  return `transition ${index + 1}: saw ${label(saw)} at ${Math.round(saw?.atMs ?? 0)} ms, expected ${label(want)}`;
}

export interface RssSample {
  atS: number;
  rssMiB: number;
}

export interface RssGrowth {
  /** Where the judged part starts: the first third of the run is warm-up (allocator, arenas, JIT). */
  warmupS: number;
  baselineMiB: number;
  finalMiB: number;
  /** Final over baseline, minus one, within the judged part. */
  growth: number;
  maxMiB: number;
  /** Least-squares slope over the last two thirds of the run, MiB per hour: what a leak shows as. */
  slopeMiBPerHour: number;
}

/**
 * RSS over the last two thirds of the run: a leak is a slope, while warm-up (RSS that rises and then stays flat)
 * is not. Baseline and final are the medians of the first and last tenth of those samples (a garbage collection
 * in flight is not growth).
 */
export function rssGrowth(samples: readonly RssSample[], runS: number): RssGrowth {
  const warmupS = runS / 3;
  const after = samples.filter((s) => s.atS >= warmupS);
  if (after.length < 4) throw new Error(`too few RSS samples after warm-up (${after.length})`);
  const tenth = Math.max(2, Math.floor(after.length / 10));
  const baselineMiB = median(after.slice(0, tenth).map((s) => s.rssMiB));
  const finalMiB = median(after.slice(-tenth).map((s) => s.rssMiB));
  return {
    warmupS,
    baselineMiB,
    finalMiB,
    growth: finalMiB / baselineMiB - 1,
    maxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    slopeMiBPerHour: slope(after) * 3600,
  };
}

/** One sample per `everyS` (the median of each bucket): the kept series stays small. */
export function downsample(samples: readonly RssSample[], everyS: number): RssSample[] {
  const buckets = new Map<number, RssSample[]>();
  for (const s of samples) {
    const key = Math.floor(s.atS / everyS);
    buckets.set(key, [...(buckets.get(key) ?? []), s]);
  }
  return [...buckets.entries()].map(([key, bucket]) => ({
    atS: key * everyS,
    rssMiB: median(bucket.map((b) => b.rssMiB)),
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function slope(samples: readonly RssSample[]): number {
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.atS, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.atS - mx) * (p.rssMiB - my);
    den += (p.atS - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Word-level Levenshtein distance (substitutions + insertions + deletions): the WER numerator. */
export function wordEdits(ref: readonly string[], hyp: readonly string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const same = ref[i - 1] === hyp[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + same));
    }
    prev = row;
  }
  return prev[hyp.length] as number;
}
