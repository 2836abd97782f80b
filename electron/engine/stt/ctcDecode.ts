/**
 * Greedy CTC: the best id per frame, repeats collapsed, blanks dropped. Only the first `validFrames` frames
 * count: beyond the encoded length a batch is padding (onnx-asr's _AsrWithCtcDecoding does the same).
 */
export function greedyCtc(
  /** [frames, vocab] row-major log-probabilities (or logits: only the argmax matters). */
  logprobs: Float32Array,
  frames: number,
  vocab: number,
  blankId: number,
  validFrames = frames,
): number[] {
  if (logprobs.length < frames * vocab) {
    throw new RangeError(
      `CTC output holds ${logprobs.length} values, fewer than ${frames} frames × ${vocab}`,
    );
  }
  const ids: number[] = [];
  let previous = -1;
  const n = Math.max(0, Math.min(frames, validFrames));
  for (let t = 0; t < n; t++) {
    const best = argmax(logprobs, t * vocab, vocab);
    // A blank between two equal ids separates them ("l l" in hello); a repeat without one is the same token.
    if (best !== previous && best !== blankId) ids.push(best);
    previous = best;
  }
  return ids;
}

/** Index (relative to `offset`) of the largest of `length` values; the first one wins a tie. */
export function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[offset + i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
