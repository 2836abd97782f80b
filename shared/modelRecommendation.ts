/**
 * Which speech model to suggest to a new user: one, with the reason, from the machine's free GPU memory and
 * the catalog's own figures. Pure: the first-run panel calls it with what the engine reported.
 */

/** What the rule reads of a catalog entry (a `models.list` entry has these fields). */
export interface RecommendCandidate {
  id: string;
  family: string | null;
  expectedVramMiB: number | null;
  bundled: boolean;
}

export interface MachineMemory {
  /** Free GPU memory now; null when there is no GPU the models can run on (none, or no working provider). */
  freeMiB: number | null;
  /** The memory manager's headroom setting: what must stay free after a load. */
  headroomMiB: number;
}

export interface Recommendation {
  id: string;
  device: 'gpu' | 'cpu';
  reason: string;
}

/**
 * Room beyond the headroom before suggesting the large model: other programs' memory moves (a browser tab, a
 * game starting), and a suggestion that fits only today would be offloaded to the CPU tomorrow.
 */
export const RECOMMEND_MARGIN_MIB = 1024;

/** The transducer (TDT) models are the dictation models; the bundled one is a self-test, never suggested. */
const SUGGESTED_FAMILY = 'nemo-tdt';

/**
 * The largest TDT model that fits on the GPU with room (free − its size ≥ headroom + margin): in the catalog
 * that is the fp32 build, the most accurate. When none fits, or there is no usable GPU, the smallest (the int8
 * build), which is also the fastest on the CPU. Null when the catalog offers no TDT model.
 */
export function recommendModel(
  models: readonly RecommendCandidate[],
  machine: MachineMemory,
): Recommendation | null {
  const candidates = models
    .filter(
      (m): m is RecommendCandidate & { expectedVramMiB: number } =>
        m.family === SUGGESTED_FAMILY && !m.bundled && m.expectedVramMiB !== null,
    )
    .sort((a, b) => b.expectedVramMiB - a.expectedVramMiB);
  const smallest = candidates.at(-1);
  if (!smallest) return null;
  const { freeMiB, headroomMiB } = machine;
  if (freeMiB === null)
    return {
      id: smallest.id,
      device: 'cpu',
      reason: 'No usable GPU: the smallest model is the fastest on the CPU.',
    };
  const room = headroomMiB + RECOMMEND_MARGIN_MIB;
  const fits = candidates.find((m) => freeMiB - m.expectedVramMiB >= room);
  if (fits)
    return {
      id: fits.id,
      device: 'gpu',
      reason: `Fits on the GPU with room: ${mib(freeMiB)} free, it needs about ${mib(fits.expectedVramMiB)}.`,
    };
  return {
    id: smallest.id,
    device: 'cpu',
    reason:
      `${mib(freeMiB)} of GPU memory free is too little for a model of about ${mib(smallest.expectedVramMiB)} ` +
      `plus ${mib(room)} of room: the smallest model, on the CPU.`,
  };
}

function mib(value: number): string {
  return `${Math.round(value)} MiB`;
}
