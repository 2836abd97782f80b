import { describe, expect, it } from 'vitest';
import { greedyTdt, type JointStep, type TdtOptions } from '../../../electron/engine/stt/tdtDecode';

const OPTS: TdtOptions = { vocabSize: 5, blankId: 4, durations: [0, 1, 2, 3, 4], maxSymbolsPerStep: 3 };
const BLANK = 4;

/** Logits that pick `token` and the duration at `durationIndex`. */
function logits(token: number, durationIndex: number, opts = OPTS): Float32Array {
  const l = new Float32Array(opts.vocabSize + opts.durations.length).fill(-5);
  l[token] = 3;
  l[opts.vocabSize + durationIndex] = 2;
  return l;
}

interface Call {
  frame: number;
  lastToken: number;
  state: number;
}

/**
 * A scripted joint: decisions in call order. The state is the number of tokens the prediction network has
 * consumed; a step returns state + 1 (what the network would hold after the last token).
 */
function scripted(decisions: Array<[token: number, durationIndex: number]>, opts = OPTS) {
  const calls: Call[] = [];
  const joint: JointStep<number> = (frame, lastToken, state) => {
    const d = decisions[calls.length] ?? [BLANK, 1];
    calls.push({ frame, lastToken, state });
    return Promise.resolve({ logits: logits(d[0], d[1], opts), state: state + 1 });
  };
  return { joint, calls };
}

describe('greedyTdt', () => {
  it('emits tokens, skips frames by the predicted duration and feeds the last token back', async () => {
    const { joint, calls } = scripted([
      [1, 2], // frame 0: token 1, skip 2
      [BLANK, 1], // frame 2: blank, skip 1
      [2, 0], // frame 3: token 2, stay
      [3, 1], // frame 3: token 3, skip 1
      [BLANK, 0], // frame 4: blank with duration 0 still moves on
    ]);
    const r = await greedyTdt(5, 0, joint, OPTS);
    expect(r.ids).toEqual([1, 2, 3]);
    expect(r.frames).toEqual([0, 3, 3]);
    expect(r.steps).toBe(5);
    expect(calls.map((c) => c.frame)).toEqual([0, 2, 3, 3, 4]);
    expect(calls.map((c) => c.lastToken)).toEqual([BLANK, 1, 1, 2, 3]);
  });

  it('keeps the prediction-network state on a blank and takes the new one on an emission', async () => {
    const { joint, calls } = scripted([
      [BLANK, 1],
      [1, 1],
      [BLANK, 1],
      [BLANK, 1],
      [2, 1],
      [BLANK, 1],
    ]);
    await greedyTdt(6, 0, joint, OPTS);
    expect(calls.map((c) => c.state)).toEqual([0, 0, 1, 1, 1, 2]);
  });

  it('moves on after maxSymbolsPerStep tokens on one frame', async () => {
    const { joint, calls } = scripted(Array.from({ length: 20 }, () => [1, 0] as [number, number]));
    const r = await greedyTdt(2, 0, joint, OPTS);
    expect(r.ids).toHaveLength(6);
    expect(calls.map((c) => c.frame)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('resets the per-frame count when a duration moves on', async () => {
    const { joint, calls } = scripted([
      [1, 0],
      [1, 0],
      [1, 1], // third token on frame 0 with a skip of 1: frame 1 starts afresh
      [2, 0],
      [2, 0],
      [2, 0],
    ]);
    const r = await greedyTdt(2, 0, joint, OPTS);
    expect(r.ids).toEqual([1, 1, 1, 2, 2, 2]);
    expect(calls.map((c) => c.frame)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('maps duration logits through the durations list', async () => {
    const opts = { ...OPTS, durations: [0, 2, 4] };
    const { joint, calls } = scripted(
      [
        [1, 2],
        [BLANK, 1],
        [BLANK, 1],
      ],
      opts,
    );
    await greedyTdt(9, 0, joint, opts);
    expect(calls.map((c) => c.frame)).toEqual([0, 4, 6, 8]);
  });

  it('a skip past the end finishes, and zero frames make no call', async () => {
    const { joint, calls } = scripted([[1, 4]]);
    expect((await greedyTdt(3, 0, joint, OPTS)).ids).toEqual([1]);
    expect(calls).toHaveLength(1);
    expect((await greedyTdt(0, 0, joint, OPTS)).steps).toBe(0);
  });

  it('says so when the joint output does not match vocabulary + durations', async () => {
    const joint: JointStep<number> = () => Promise.resolve({ logits: new Float32Array(7), state: 0 });
    await expect(greedyTdt(1, 0, joint, OPTS)).rejects.toThrow(
      'decoder-joint gave 7 logits per step, expected 10 (5 tokens incl. blank + 5 durations)',
    );
  });

  it('rejects impossible options', async () => {
    const { joint } = scripted([]);
    await expect(greedyTdt(1, 0, joint, { ...OPTS, blankId: 5 })).rejects.toThrow('blank id 5');
    await expect(greedyTdt(1, 0, joint, { ...OPTS, maxSymbolsPerStep: 0 })).rejects.toThrow(
      'maxSymbolsPerStep',
    );
    await expect(greedyTdt(1, 0, joint, { ...OPTS, durations: [-1] })).rejects.toThrow('durations');
  });
});
