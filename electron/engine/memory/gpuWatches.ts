import { usageOf, type GpuSample } from '../../../shared/gpuSample';
import { addStrike, strikesInWindow, type StrikeConfig } from '../../../shared/gpuStrikes';
import { INITIAL_POLICY_STATE, levelRank, type PolicyState } from '../../../shared/pressurePolicy';
import type { UsagePoint } from '../../../shared/usageTrend';

/** One watched GPU: its latest reading, its own level and usage trend. */
export interface GpuWatch {
  sample: GpuSample;
  policy: PolicyState;
  trend: UsagePoint[];
}

/**
 * The memory manager's per-GPU bookkeeping: each watched GPU's state, its GPU error strikes, and the GPUs those
 * strikes took out. Watches are kept in index order, the order NVML and the UI list GPUs in.
 */
export class GpuWatches {
  private sortedList: GpuWatch[] = [];
  private readonly strikeTimes = new Map<number, number[]>();
  private readonly out = new Set<number>();

  get size(): number {
    return this.sortedList.length;
  }

  get(index: number): GpuWatch | undefined {
    return this.sortedList.find((w) => w.sample.gpu.index === index);
  }

  /** The watch of this reading's GPU (created at its first reading), with the reading as its latest. */
  take(sample: GpuSample): GpuWatch {
    const known = this.get(sample.gpu.index);
    if (known) {
      known.sample = sample;
      return known;
    }
    const w: GpuWatch = { sample, policy: INITIAL_POLICY_STATE, trend: [] };
    this.sortedList = [...this.sortedList, w].sort((a, b) => a.sample.gpu.index - b.sample.gpu.index);
    return w;
  }

  /** Every watched GPU, in index order. */
  all(): readonly GpuWatch[] {
    return this.sortedList;
  }

  /** GPUs a model may go to: watched and not out after repeated errors. */
  usable(): GpuWatch[] {
    return this.sortedList.filter((w) => !this.out.has(w.sample.gpu.index));
  }

  /** The GPU under most pressure (highest level, then highest usage): what one-GPU clients are shown. */
  mostPressed(): GpuWatch | null {
    let worst: GpuWatch | null = null;
    for (const w of this.sortedList) {
      const rank = levelRank(w.policy.level) - (worst ? levelRank(worst.policy.level) : -1);
      if (worst === null || rank > 0 || (rank === 0 && usageOf(w.sample) > usageOf(worst.sample))) worst = w;
    }
    return worst;
  }

  isOut(index: number): boolean {
    return this.out.has(index);
  }

  /**
   * A GPU error on `index`. True when its strikes in the window just reached the limit: the GPU is out from now
   * (a GPU already out is not reported twice).
   */
  strike(index: number, nowMs: number, config: StrikeConfig): boolean {
    const step = addStrike(this.strikeTimes.get(index) ?? [], nowMs, config);
    this.strikeTimes.set(index, step.times);
    if (!step.limitReached || this.out.has(index)) return false;
    this.out.add(index);
    return true;
  }

  strikesNow(index: number, nowMs: number, windowMs: number): number {
    return strikesInWindow(this.strikeTimes.get(index) ?? [], nowMs, windowMs).length;
  }

  /** The strikes of the GPU nearest its limit: with one GPU, simply its strikes. */
  mostStrikesNow(nowMs: number, windowMs: number): number {
    return Math.max(0, ...[...this.strikeTimes.keys()].map((g) => this.strikesNow(g, nowMs, windowMs)));
  }

  /** The user's Restore: every GPU's strikes are forgotten and every GPU is usable again. */
  clearStrikes(): void {
    this.strikeTimes.clear();
    this.out.clear();
  }
}
