/**
 * Greedy Token-and-Duration Transducer decoding (Parakeet TDT), as onnx-asr's _AsrWithTransducerDecoding
 * with NemoConformerTdt._decode and sherpa-onnx's DecodeOneTDT do it:
 *
 *   t = 0
 *   while t < frames:
 *     logits, state' = joint(encoder frame t, last emitted token (blank at the start), state)
 *     token = argmax(logits[0 .. vocab)), duration = durations[argmax(logits[vocab ..])]
 *     if token ≠ blank: emit it, state = state'          (a blank leaves the prediction network as it was)
 *     if duration > 0:                    t += duration  (TDT skips frames)
 *     elif blank or maxSymbols emitted on this frame: t += 1
 *     (else stay on the frame and emit the next token)
 */
import { argmax } from './ctcDecode';

export interface TdtOptions {
  /** Token logits per step, the blank included (vocab.txt's line count). */
  vocabSize: number;
  blankId: number;
  /** Frames each duration logit stands for: Parakeet's [0, 1, 2, 3, 4]. */
  durations: readonly number[];
  /** Tokens one frame may emit before decoding moves on (onnx-asr 10, sherpa-onnx 5). */
  maxSymbolsPerStep: number;
}

export interface JointOutput<S> {
  /** vocabSize token logits followed by one logit per duration. */
  logits: Float32Array;
  /** The prediction network's state after consuming the last token. */
  state: S;
}

/** One decoder-joint evaluation at encoder frame `frame` given the last emitted token. */
export type JointStep<S> = (frame: number, lastToken: number, state: S) => Promise<JointOutput<S>>;

export interface TdtResult {
  ids: number[];
  /** Encoder frame of each id (multiply by subsampling × hop for seconds). */
  frames: number[];
  /** Joint evaluations made: a cost measure and a loop guard in tests. */
  steps: number;
}

export async function greedyTdt<S>(
  frames: number,
  initialState: S,
  joint: JointStep<S>,
  opts: TdtOptions,
): Promise<TdtResult> {
  validate(opts);
  const expected = opts.vocabSize + opts.durations.length;
  const ids: number[] = [];
  const at: number[] = [];
  let state = initialState;
  let steps = 0;
  let emittedHere = 0;
  for (let t = 0; t < frames;) {
    const out = await joint(t, ids.at(-1) ?? opts.blankId, state);
    steps++;
    if (out.logits.length !== expected) {
      throw new Error(
        `decoder-joint gave ${out.logits.length} logits per step, expected ${expected} ` +
          `(${opts.vocabSize} tokens incl. blank + ${opts.durations.length} durations): vocabulary and model disagree`,
      );
    }
    const token = argmax(out.logits, 0, opts.vocabSize);
    const duration =
      opts.durations.length > 0
        ? (opts.durations[argmax(out.logits, opts.vocabSize, opts.durations.length)] ?? 0)
        : 0;
    if (token !== opts.blankId) {
      ids.push(token);
      at.push(t);
      state = out.state;
      emittedHere++;
    }
    if (duration > 0) {
      t += duration;
      emittedHere = 0;
    } else if (token === opts.blankId || emittedHere >= opts.maxSymbolsPerStep) {
      // A blank with duration 0 would loop forever on this frame; the cap bounds runs of tokens.
      t += 1;
      emittedHere = 0;
    }
  }
  return { ids, frames: at, steps };
}

function validate(opts: TdtOptions): void {
  if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < 1)
    throw new RangeError(`vocabSize ${opts.vocabSize}`);
  if (!Number.isInteger(opts.blankId) || opts.blankId < 0 || opts.blankId >= opts.vocabSize) {
    throw new RangeError(`blank id ${opts.blankId} is outside the vocabulary (${opts.vocabSize})`);
  }
  if (!Number.isInteger(opts.maxSymbolsPerStep) || opts.maxSymbolsPerStep < 1) {
    throw new RangeError(`maxSymbolsPerStep must be ≥ 1, got ${opts.maxSymbolsPerStep}`);
  }
  if (opts.durations.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`durations must be integers ≥ 0, got [${opts.durations.join(', ')}]`);
  }
}
