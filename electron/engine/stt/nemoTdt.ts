/**
 * NeMo Parakeet TDT exports as onnx-asr publishes them (istupakov/parakeet-tdt-0.6b-v2-onnx, -v3-onnx):
 *
 *   encoder-model.onnx        audio_signal float32 [1, nMels, T], length int64 [1]
 *                             → outputs float32 [1, D, T'] (channels first), encoded_lengths int64 [1]
 *   decoder_joint-model.onnx  encoder_outputs float32 [1, D, 1], targets int32 [1, 1], target_length int32 [1],
 *                             input_states_1 / input_states_2 float32 [L, 1, H] (LSTM h and c)
 *                             → outputs float32 [1, 1, 1, V + durations], prednet_lengths,
 *                               output_states_1 / output_states_2
 *
 * V counts the blank (the last id of vocab.txt). The encoder runs once per utterance, the decoder-joint once
 * per decoding step (see tdtDecode.ts).
 */
import { Tensor } from 'onnxruntime-node';
import { computeFeatures, type Features } from '../audio/features';
import type { ModelSpec } from '../models/session';
import type { SttModelConfig } from './modelConfig';
import type { DecodedResult, FeatureFn } from './nemoCtc';
import { firstInt, floatData, pickOutput } from './outputs';
import type { ModelRunner, RecognitionResult, Recognizer } from './recognizer';
import { greedyTdt } from './tdtDecode';
import { detokenize, type Vocabulary } from './tokens';

export interface NemoTdtParts {
  encoder: ModelSpec;
  decoder: ModelSpec;
  vocab: Vocabulary;
  config: SttModelConfig;
  features?: FeatureFn;
}

interface LstmState {
  h: Tensor;
  c: Tensor;
}

export class NemoTdtRecognizer implements Recognizer {
  readonly family = 'nemo-tdt';
  readonly models: ModelSpec[];
  readonly blankId: number;
  private readonly features: FeatureFn;

  constructor(private readonly parts: NemoTdtParts) {
    this.models = [parts.encoder, parts.decoder];
    this.features = parts.features ?? computeFeatures;
    // onnx-asr takes <blk> from vocab.txt; sherpa-onnx uses the last id. They agree on published models.
    this.blankId = parts.config.blankId ?? parts.vocab.blankId ?? parts.vocab.tokens.length - 1;
  }

  async recognize(audio: Float32Array, run: ModelRunner): Promise<RecognitionResult> {
    // The ids ride along: harmless for callers, handy for tests.
    return this.decodeFeatures(this.features(audio, this.parts.config.features), run);
  }

  /** Features → ids and text; exposed so tests can feed reference features. */
  async decodeFeatures(f: Features, run: ModelRunner): Promise<DecodedResult> {
    const { encoder, decoder, config, vocab } = this.parts;
    if (f.nMels !== config.features.nMels) {
      throw new Error(`model ${encoder.id} takes ${config.features.nMels} mel bins, got ${f.nMels}`);
    }
    const enc = await run(encoder.id, {
      audio_signal: new Tensor('float32', f.data, [1, f.nMels, f.frames]),
      length: new Tensor('int64', BigInt64Array.of(BigInt(f.frames)), [1]),
    });
    const out = pickOutput(enc.outputs, 'outputs', `model ${encoder.id}`);
    const [batch, dim, frames] = out.dims;
    if (out.dims.length !== 3 || batch !== 1 || dim === undefined || frames === undefined) {
      throw new Error(`model ${encoder.id}: outputs must be [1, D, T'], got [${out.dims.join(', ')}]`);
    }
    const lengths = enc.outputs['encoded_lengths'];
    const valid = lengths
      ? Math.min(frames, firstInt(lengths, `model ${encoder.id} encoded_lengths`))
      : frames;
    const byFrame = transpose(floatData(out, `model ${encoder.id} outputs`), dim, frames);

    let retried = enc.retriedOnCpu;
    const zeros = (): Tensor =>
      new Tensor('float32', new Float32Array(config.predLayers * config.predHidden), [
        config.predLayers,
        1,
        config.predHidden,
      ]);
    // Reused across steps: the steps run one after another, so an array is rewritten only after the run
    // that read it has finished.
    const frameData = new Float32Array(dim);
    const frameTensor = new Tensor('float32', frameData, [1, dim, 1]);
    const target = new Int32Array(1);
    const targets = new Tensor('int32', target, [1, 1]);
    const targetLength = new Tensor('int32', Int32Array.of(1), [1]);

    const decoded = await greedyTdt<LstmState>(
      valid,
      { h: zeros(), c: zeros() },
      async (t, lastToken, state) => {
        frameData.set(byFrame.subarray(t * dim, (t + 1) * dim));
        target[0] = lastToken;
        const r = await run(decoder.id, {
          encoder_outputs: frameTensor,
          targets,
          target_length: targetLength,
          input_states_1: state.h,
          input_states_2: state.c,
        }).catch((error: unknown) => {
          throw withStateHint(error, config);
        });
        retried ||= r.retriedOnCpu;
        const what = `model ${decoder.id}`;
        return {
          logits: floatData(pickOutput(r.outputs, 'outputs', what), `${what} outputs`),
          state: {
            h: stateOutput(r.outputs, 'output_states_1', what),
            c: stateOutput(r.outputs, 'output_states_2', what),
          },
        };
      },
      {
        vocabSize: vocab.tokens.length,
        blankId: this.blankId,
        durations: config.durations,
        maxSymbolsPerStep: config.maxSymbolsPerStep,
      },
    );
    return {
      ids: decoded.ids,
      text: detokenize(vocab, decoded.ids),
      // The encoder is the heavy model: where it ran is where this utterance ran. (The small decoder-joint,
      // run once per step, is best kept on the CPU.)
      device: enc.device,
      ep: enc.ep,
      retriedOnCpu: retried,
    };
  }
}

/** The state shape cannot be read through ModelRunner, so it comes from config.json: say so when it is wrong. */
function withStateHint(error: unknown, config: SttModelConfig): unknown {
  if (!(error instanceof Error) || !/input_states/.test(error.message)) return error;
  error.message +=
    ` (the prediction-network state was [${config.predLayers}, 1, ${config.predHidden}]: ` +
    'set pred_rnn_layers and pred_hidden in config.json to match this model)';
  return error;
}

function stateOutput(outputs: Record<string, Tensor>, name: string, what: string): Tensor {
  const t = outputs[name];
  if (!t) throw new Error(`${what} has no output "${name}" (outputs: ${Object.keys(outputs).join(', ')})`);
  return t;
}

/** [D, T] channels-first → [T, D], so each step copies one contiguous frame. */
function transpose(data: Float32Array, dim: number, frames: number): Float32Array {
  const out = new Float32Array(dim * frames);
  for (let d = 0; d < dim; d++) {
    const row = d * frames;
    for (let t = 0; t < frames; t++) out[t * dim + d] = data[row + t] as number;
  }
  return out;
}
