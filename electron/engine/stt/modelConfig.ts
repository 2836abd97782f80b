/**
 * A model folder's config.json, normalised. Two dialects are read:
 *  - onnx-asr's, as published with its Hugging Face exports (istupakov/parakeet-tdt-0.6b-v2-onnx ships exactly
 *    {"model_type": "nemo-conformer-tdt", "features_size": 128, "subsampling_factor": 8}), optionally with
 *    max_tokens_per_step;
 *  - this project's, for the models it builds: `family`, the feature settings (camelCase, as FeatureConfig:
 *    sampleRate, nFft, winLength, hop, nMels, preemph, logGuard, normalize) at the top level as the tiny-ctc
 *    exporter writes them or in a `preprocessor` block, `subsampling`, `blankId`, and for TDT
 *    `pred_rnn_layers`, `pred_hidden`, `durations`.
 * Anything not given takes onnx-asr's default (80 mel bins, subsampling 8, 10 tokens per step) or NeMo's
 * preprocessor default (n_fft 512, 25 ms window, 10 ms hop, pre-emphasis 0.97, log guard 2^-24, per_feature).
 */
import { z } from 'zod';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../audio/features';

export type SttFamily = 'nemo-ctc' | 'nemo-tdt';

export interface SttModelConfig {
  family: SttFamily;
  features: FeatureConfig;
  /** Encoder frames per feature frame: CTC's encoded length is (frames − 1) / subsampling + 1. */
  subsampling: number;
  /** From config; null means: the vocabulary's `<blk>`, else the id after the last token. */
  blankId: number | null;
  maxSymbolsPerStep: number;
  /** TDT duration logits' meaning; Parakeet TDT uses [0, 1, 2, 3, 4]. */
  durations: number[];
  /** TDT prediction-network state shape [layers, 1, hidden]; Parakeet TDT 0.6B v2/v3: 2 × 640. */
  predLayers: number;
  predHidden: number;
}

const MODEL_TYPES: Record<string, SttFamily> = {
  'nemo-conformer-ctc': 'nemo-ctc',
  'nemo-conformer-tdt': 'nemo-tdt',
};

const positiveInt = z.number().int().positive();

const featureFields = {
  sampleRate: positiveInt.optional(),
  nFft: positiveInt.optional(),
  winLength: positiveInt.optional(),
  hop: positiveInt.optional(),
  nMels: positiveInt.optional(),
  preemph: z.number().min(0).max(1).optional(),
  logGuard: z.number().positive().optional(),
  normalize: z.enum(['per_feature', 'none']).optional(),
};

const preprocessorSchema = z.object({
  ...featureFields,
  subsampling: positiveInt.optional(),
  blankId: z.number().int().min(0).optional(),
});

// Unknown keys are ignored: published configs carry export details this runtime does not need.
const configSchema = z.object({
  family: z.enum(['nemo-ctc', 'nemo-tdt']).optional(),
  model_type: z.string().optional(),
  features_size: positiveInt.optional(),
  subsampling_factor: positiveInt.optional(),
  max_tokens_per_step: positiveInt.optional(),
  ...featureFields,
  preprocessor: preprocessorSchema.optional(),
  subsampling: positiveInt.optional(),
  blankId: z.number().int().min(0).optional(),
  pred_rnn_layers: positiveInt.optional(),
  pred_hidden: positiveInt.optional(),
  durations: z.array(z.number().int().min(0)).min(1).optional(),
});

export const PARAKEET_DURATIONS: readonly number[] = [0, 1, 2, 3, 4];

/**
 * Parses config.json's text. `detected` is the family guessed from the folder's files, used when the config
 * names none; `source` names the file in errors.
 */
export function parseModelConfig(
  text: string,
  detected: SttFamily | null,
  source = 'config.json',
): SttModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new Error(
      `${source} is invalid${where ? ` at ${where}` : ''}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return normalise(parsed.data, detected, source);
}

/** The settings a folder without config.json gets (onnx-asr's defaults). */
export function defaultModelConfig(family: SttFamily): SttModelConfig {
  return normalise({}, family, 'defaults');
}

function normalise(
  c: z.infer<typeof configSchema>,
  detected: SttFamily | null,
  source: string,
): SttModelConfig {
  const fromType = c.model_type === undefined ? undefined : MODEL_TYPES[c.model_type];
  if (c.model_type !== undefined && fromType === undefined && c.family === undefined) {
    throw new Error(
      `${source}: model_type "${c.model_type}" is not supported (supported: ${Object.keys(MODEL_TYPES).join(', ')})`,
    );
  }
  const family = c.family ?? fromType ?? detected;
  if (family === null)
    throw new Error(`${source} names no model family (family or model_type) and the files do not tell`);
  // A preprocessor block wins over top-level keys, which win over onnx-asr's features_size and the defaults.
  const p = { ...c, ...c.preprocessor };
  const features: FeatureConfig = {
    sampleRate: p.sampleRate ?? DEFAULT_FEATURE_CONFIG.sampleRate,
    nFft: p.nFft ?? DEFAULT_FEATURE_CONFIG.nFft,
    winLength: p.winLength ?? DEFAULT_FEATURE_CONFIG.winLength,
    hop: p.hop ?? DEFAULT_FEATURE_CONFIG.hop,
    nMels: p.nMels ?? c.features_size ?? DEFAULT_FEATURE_CONFIG.nMels,
    preemph: p.preemph ?? DEFAULT_FEATURE_CONFIG.preemph,
    logGuard: p.logGuard ?? DEFAULT_FEATURE_CONFIG.logGuard,
    normalize: p.normalize ?? DEFAULT_FEATURE_CONFIG.normalize,
  };
  return {
    family,
    features,
    subsampling: p.subsampling ?? c.subsampling_factor ?? 8,
    blankId: p.blankId ?? null,
    maxSymbolsPerStep: c.max_tokens_per_step ?? 10,
    durations: c.durations ?? [...PARAKEET_DURATIONS],
    predLayers: c.pred_rnn_layers ?? 2,
    predHidden: c.pred_hidden ?? 640,
  };
}
