/**
 * NeMo-compatible log-mel features (AudioToMelSpectrogramPreprocessor with dither 0, pad_to 0,
 * normalize 'per_feature', mag_power 2, log, mel_norm 'slaney'). They must match, to ~1e-6, the Python
 * reference build/fixtures/tiny-ctc/nemo_features.py that the project's models are trained with; the
 * unit test compares against test/fixtures/features/reference.json written by it.
 *
 *   pre-emphasis   y[0] = x[0], y[n] = x[n] − preemph·x[n−1]
 *   STFT           n_fft 512, symmetric Hann of win_length 400 zero-padded centred into 512, hop 160,
 *                  center=True with n_fft/2 zeros on both sides → frames = 1 + floor(len / hop)
 *   power          |X|² (n_fft/2 + 1 bins)
 *   mel            Slaney scale, slaney (area) norm, fmin 0, fmax sampleRate/2 (librosa htk=False)
 *   log            ln(mel + logGuard), logGuard 2^-24
 *   normalisation  per mel bin over the frames: (x − mean) / (std ddof=1 + 1e-5); std 0 for one frame
 *   layout         [nMels, frames] row-major
 *
 * Computed in float64 (as the reference) and rounded to float32 at the end.
 */

import FFT from 'fft.js';
import { SAMPLE_RATE } from './audioTypes';

export interface FeatureConfig {
  sampleRate: number;
  nFft: number;
  winLength: number;
  hop: number;
  nMels: number;
  /** Pre-emphasis coefficient; 0 turns it off. */
  preemph: number;
  /** Added before the log so silence stays finite. */
  logGuard: number;
  normalize: 'per_feature' | 'none';
}

export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  sampleRate: SAMPLE_RATE,
  nFft: 512,
  winLength: 400,
  hop: 160,
  nMels: 80,
  preemph: 0.97,
  logGuard: 2 ** -24,
  normalize: 'per_feature',
});

/** NeMo adds this to the standard deviation (normalize_batch's CONSTANT). */
const NORM_EPS = 1e-5;

export interface Features {
  /** [nMels, frames] row-major: data[m * frames + t]. */
  data: Float32Array;
  nMels: number;
  frames: number;
}

/** Frames produced for `numSamples` samples (center=True). */
export function featureFrames(numSamples: number, hop = DEFAULT_FEATURE_CONFIG.hop): number {
  return 1 + Math.floor(numSamples / hop);
}

// ----------------------------------------------------------------------------------------- mel scale

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

/** Slaney mel scale (librosa.hz_to_mel, htk=False): linear below 1 kHz, logarithmic above. */
export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/**
 * librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm='slaney') as dense rows
 * [nMels][nFft/2 + 1] in float64.
 */
export function melFilterbank(nMels: number, sampleRate: number, nFft: number): Float64Array[] {
  const nBins = nFft / 2 + 1;
  const fftFreqs = Array.from({ length: nBins }, (_, k) => (k * sampleRate) / 2 / (nBins - 1));
  const melMax = hzToMel(sampleRate / 2);
  const melF = Array.from({ length: nMels + 2 }, (_, i) => melToHz((i * melMax) / (nMels + 1)));
  const at = (i: number): number => melF[i] ?? 0;
  const rows: Float64Array[] = [];
  for (let m = 0; m < nMels; m++) {
    const row = new Float64Array(nBins);
    const lowerWidth = at(m + 1) - at(m);
    const upperWidth = at(m + 2) - at(m + 1);
    // Slaney normalisation: each triangle has unit area in Hz.
    const enorm = 2 / (at(m + 2) - at(m));
    for (let k = 0; k < nBins; k++) {
      const f = fftFreqs[k] ?? 0;
      const lower = (f - at(m)) / lowerWidth;
      const upper = (at(m + 2) - f) / upperWidth;
      row[k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
    rows.push(row);
  }
  return rows;
}

// ----------------------------------------------------------------------------------------- plan

/** Everything that depends only on the config, computed once. */
interface Plan {
  cfg: FeatureConfig;
  fft: FFT;
  /** The non-zero span of the zero-padded window: frame offsets [winStart, winStart + window.length). */
  winStart: number;
  window: Float64Array;
  /** Sparse filterbank: per mel, the first non-zero bin and the weights from there. */
  melStart: Int32Array;
  melWeights: Float64Array[];
  frame: Float64Array;
  spectrum: Float64Array;
  power: Float64Array;
}

const plans = new Map<string, Plan>();

function validate(cfg: FeatureConfig): void {
  const int = (name: keyof FeatureConfig, min: number): void => {
    const v = cfg[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new RangeError(`feature config ${name} must be an integer ≥ ${min}, got ${String(v)}`);
    }
  };
  int('sampleRate', 1000);
  int('nFft', 4);
  int('winLength', 2);
  int('hop', 1);
  int('nMels', 1);
  if ((cfg.nFft & (cfg.nFft - 1)) !== 0)
    throw new RangeError(`feature config nFft must be a power of 2, got ${cfg.nFft}`);
  if (cfg.winLength > cfg.nFft)
    throw new RangeError(`feature config winLength (${cfg.winLength}) must be ≤ nFft (${cfg.nFft})`);
  if (!(cfg.preemph >= 0 && cfg.preemph < 1))
    throw new RangeError(`feature config preemph must be in [0, 1), got ${cfg.preemph}`);
  if (!(cfg.logGuard > 0)) throw new RangeError(`feature config logGuard must be > 0, got ${cfg.logGuard}`);
  // Configs may come from settings files: check the union at run time too.
  const normalize: string = cfg.normalize;
  if (normalize !== 'per_feature' && normalize !== 'none') {
    throw new RangeError(`feature config normalize must be 'per_feature' or 'none', got ${normalize}`);
  }
}

function planFor(cfg: FeatureConfig): Plan {
  const key = `${cfg.sampleRate}/${cfg.nFft}/${cfg.winLength}/${cfg.nMels}`;
  const cached = plans.get(key);
  if (cached) return { ...cached, cfg };
  // Symmetric Hann (torch.hann_window(periodic=False)), placed as torch.stft pads a short window.
  const window = new Float64Array(cfg.winLength);
  for (let n = 0; n < cfg.winLength; n++)
    window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (cfg.winLength - 1));
  const dense = melFilterbank(cfg.nMels, cfg.sampleRate, cfg.nFft);
  const melStart = new Int32Array(cfg.nMels);
  const melWeights = dense.map((row, m) => {
    let first = row.findIndex((v) => v > 0);
    if (first < 0) first = 0;
    let last = row.length - 1;
    while (last > first && (row[last] ?? 0) === 0) last--;
    melStart[m] = first;
    return row.slice(first, last + 1);
  });
  const fft = new FFT(cfg.nFft);
  const plan: Plan = {
    cfg,
    fft,
    winStart: Math.floor((cfg.nFft - cfg.winLength) / 2),
    window,
    melStart,
    melWeights,
    frame: new Float64Array(cfg.nFft),
    spectrum: new Float64Array(2 * cfg.nFft),
    power: new Float64Array(cfg.nFft / 2 + 1),
  };
  plans.set(key, plan);
  return plan;
}

// ----------------------------------------------------------------------------------------- features

/** Log-mel features of 16 kHz mono audio; see the module comment for the exact definition. */
export function computeFeatures(audio: Float32Array, config: Partial<FeatureConfig> = {}): Features {
  const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...config };
  validate(cfg);
  const plan = planFor(cfg);
  const { nFft, hop, nMels, preemph, logGuard } = cfg;
  const { fft, window, winStart, melStart, melWeights, frame, spectrum, power } = plan;
  const n = audio.length;
  const frames = featureFrames(n, hop);
  const half = nFft / 2;
  const nBins = half + 1;

  // Pre-emphasis in float64, as the reference.
  const y = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const x = audio[i] as number;
    y[i] = i === 0 ? x : x - preemph * prev;
    prev = x;
  }

  const logMel = new Float64Array(nMels * frames);
  for (let t = 0; t < frames; t++) {
    // Frame t covers padded[t·hop, t·hop + nFft) where padded has nFft/2 zeros on each side of y; only the
    // window's non-zero span is filled, the rest stays zero.
    frame.fill(0);
    const origin = t * hop - half + winStart;
    for (let i = 0; i < window.length; i++) {
      const s = origin + i;
      if (s >= 0 && s < n) frame[winStart + i] = (y[s] as number) * (window[i] as number);
    }
    fft.realTransform(spectrum, frame);
    for (let k = 0; k < nBins; k++) {
      const re = spectrum[2 * k] as number;
      const im = spectrum[2 * k + 1] as number;
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < nMels; m++) {
      const w = melWeights[m] as Float64Array;
      const start = melStart[m] as number;
      let sum = 0;
      for (let k = 0; k < w.length; k++) sum += (w[k] as number) * (power[start + k] as number);
      logMel[m * frames + t] = Math.log(sum + logGuard);
    }
  }

  const data = new Float32Array(nMels * frames);
  if (cfg.normalize === 'none') {
    data.set(logMel);
    return { data, nMels, frames };
  }
  for (let m = 0; m < nMels; m++) {
    const row = m * frames;
    let mean = 0;
    for (let t = 0; t < frames; t++) mean += logMel[row + t] as number;
    mean /= frames;
    let sq = 0;
    for (let t = 0; t < frames; t++) sq += ((logMel[row + t] as number) - mean) ** 2;
    // ddof = 1; undefined for a single frame, where the reference (and we) use 0.
    const std = frames > 1 ? Math.sqrt(sq / (frames - 1)) : 0;
    const scale = 1 / (std + NORM_EPS);
    for (let t = 0; t < frames; t++) data[row + t] = ((logMel[row + t] as number) - mean) * scale;
  }
  return { data, nMels, frames };
}
