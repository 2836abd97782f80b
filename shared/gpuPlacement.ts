/**
 * Where a GPU model goes when there are several GPUs. Pure: the MemoryManager passes each GPU's latest figures.
 */
export interface GpuRoom {
  index: number;
  freeMiB: number;
}

/**
 * Among the GPUs that admit the model (free − need ≥ headroom), the one with the most room left after it; null
 * when none admits it. Ties go to the lower index, so placement is deterministic.
 */
export function mostRoom<T extends GpuRoom>(
  gpus: readonly T[],
  neededMiB: number,
  headroomMiB: number,
): T | null {
  let best: T | null = null;
  for (const g of gpus) {
    if (g.freeMiB - neededMiB < headroomMiB) continue;
    if (best === null || g.freeMiB > best.freeMiB || (g.freeMiB === best.freeMiB && g.index < best.index))
      best = g;
  }
  return best;
}

/** The GPU with the most free memory (the one whose refusal says most), or null for none. */
export function mostFree<T extends GpuRoom>(gpus: readonly T[]): T | null {
  return mostRoom(gpus, 0, Number.NEGATIVE_INFINITY);
}
