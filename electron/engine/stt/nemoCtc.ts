/**
 * NeMo CTC exports (onnx-asr's "nemo-conformer-ctc" layout, and the project's own tiny-ctc):
 * model.onnx with inputs `audio_signal` float32 [1, nMels, T] and `length` int64 [1], output `logprobs`
 * [1, T', V] (or a differently named single output); greedy CTC over the encoded length.
 */
import { Tensor } from 'onnxruntime-node';
import { computeFeatures, type Features } from '../audio/features';
import type { ModelSpec } from '../models/session';
import { greedyCtc } from './ctcDecode';
import type { SttModelConfig } from './modelConfig';
import { firstInt, floatData, pickOutput } from './outputs';
import type { ModelRunner, RecognitionResult, Recognizer } from './recognizer';
import { detokenize, type Vocabulary } from './tokens';

export type FeatureFn = typeof computeFeatures;

export interface NemoCtcParts {
  /** The one ModelSpec (its id is what `run` is called with). */
  model: ModelSpec;
  vocab: Vocabulary;
  config: SttModelConfig;
  /** Injected in tests; the NeMo-compatible log-mel by default. */
  features?: FeatureFn;
}

export interface DecodedResult extends RecognitionResult {
  ids: number[];
}

export class NemoCtcRecognizer implements Recognizer {
  readonly family = 'nemo-ctc';
  readonly models: ModelSpec[];
  readonly blankId: number;
  private readonly features: FeatureFn;

  constructor(private readonly parts: NemoCtcParts) {
    this.models = [parts.model];
    this.features = parts.features ?? computeFeatures;
    // NeMo puts the blank after the last token when the list does not name it.
    this.blankId = parts.config.blankId ?? parts.vocab.blankId ?? parts.vocab.tokens.length;
  }

  async recognize(audio: Float32Array, run: ModelRunner): Promise<RecognitionResult> {
    // The ids ride along: harmless for callers, handy for tests.
    return this.decodeFeatures(this.features(audio, this.parts.config.features), run);
  }

  /** Features → ids and text; exposed so tests can feed reference features. */
  async decodeFeatures(f: Features, run: ModelRunner): Promise<DecodedResult> {
    const { model, config, vocab } = this.parts;
    if (f.nMels !== config.features.nMels) {
      throw new Error(`model ${model.id} takes ${config.features.nMels} mel bins, got ${f.nMels}`);
    }
    const result = await run(model.id, {
      audio_signal: new Tensor('float32', f.data, [1, f.nMels, f.frames]),
      length: new Tensor('int64', BigInt64Array.of(BigInt(f.frames)), [1]),
    });
    const out = pickOutput(result.outputs, 'logprobs', `model ${model.id}`);
    const [batch, frames, width] = out.dims;
    if (out.dims.length !== 3 || batch !== 1 || frames === undefined || width === undefined) {
      throw new Error(`model ${model.id}: logprobs must be [1, T', V], got [${out.dims.join(', ')}]`);
    }
    const expected = Math.max(vocab.tokens.length, this.blankId + 1);
    if (width !== expected) {
      throw new Error(
        `model ${model.id} scores ${width} tokens per frame but its token list has ${expected}`,
      );
    }
    const encoded = encodedLength(result.outputs, f.frames, config.subsampling, model.id);
    const ids = greedyCtc(floatData(out, `model ${model.id} logprobs`), frames, width, this.blankId, encoded);
    return {
      ids,
      text: detokenize(
        vocab,
        ids.filter((id) => id < vocab.tokens.length),
      ),
      device: result.device,
      ep: result.ep,
      retriedOnCpu: result.retriedOnCpu,
    };
  }
}

/**
 * Frames of the output that belong to the input. NeMo CTC exports return only log-probs, so the length
 * follows onnx-asr: (frames − 1) / subsampling + 1; an export that also returns `encoded_lengths` is believed.
 */
function encodedLength(
  outputs: Record<string, Tensor>,
  frames: number,
  subsampling: number,
  id: string,
): number {
  const given = outputs['encoded_lengths'];
  if (given) return firstInt(given, `model ${id} encoded_lengths`);
  return Math.floor((frames - 1) / subsampling) + 1;
}
