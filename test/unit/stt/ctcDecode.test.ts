import { describe, expect, it } from 'vitest';
import { greedyCtc } from '../../../electron/engine/stt/ctcDecode';

/** Log-probs [frames, vocab] whose per-frame best ids are `best`. */
function frames(best: number[], vocab: number): Float32Array {
  const lp = new Float32Array(best.length * vocab).fill(-10);
  best.forEach((id, t) => {
    lp[t * vocab + id] = -0.1;
  });
  return lp;
}

describe('greedyCtc', () => {
  const V = 5;
  const BLANK = 4;

  it('collapses repeats and drops blanks', () => {
    expect(greedyCtc(frames([1, 1, 4, 2, 2, 2, 4, 4, 3], V), 9, V, BLANK)).toEqual([1, 2, 3]);
  });

  it('keeps a repeated token separated by a blank ("l", blank, "l")', () => {
    expect(greedyCtc(frames([0, 0, 4, 0, 4, 4, 0], V), 7, V, BLANK)).toEqual([0, 0, 0]);
  });

  it('honours the encoded length: padding frames are not decoded', () => {
    const lp = frames([1, 4, 2, 3, 3], V);
    expect(greedyCtc(lp, 5, V, BLANK, 3)).toEqual([1, 2]);
    expect(greedyCtc(lp, 5, V, BLANK, 99)).toEqual([1, 2, 3]);
    expect(greedyCtc(lp, 5, V, BLANK, 0)).toEqual([]);
  });

  it('works with the blank first (id 0) as well as last', () => {
    expect(greedyCtc(frames([0, 3, 3, 0, 3], V), 5, V, 0)).toEqual([3, 3]);
  });

  it('all blanks decode to nothing', () => {
    expect(greedyCtc(frames([4, 4, 4], V), 3, V, BLANK)).toEqual([]);
  });

  it('rejects a buffer shorter than frames × vocab', () => {
    expect(() => greedyCtc(new Float32Array(7), 2, 4, 3)).toThrow('fewer than 2 frames × 4');
  });
});
