/**
 * Band-limited sample-rate conversion (windowed sinc, Kaiser window), written here rather than taken from
 * a package: the npm resamplers are either linear/cubic (they alias: a 12 kHz tone at 48 kHz folds onto
 * 4 kHz, right in the speech band) or WebAssembly builds of libsamplerate/speex that bring a loader and a
 * binary for ~150 lines of arithmetic. wavefile's built-in sinc resampler uses a short, fixed kernel whose
 * anti-aliasing does not reach 40 dB near Nyquist.
 *
 * Design (Smith, "Digital Audio Resampling"): output sample j sits at input time t = j·from/to. It is
 *   y[j] = Σ_k x[k] · h(t − k),   h(τ) = 2fc·sinc(2fc·τ) · kaiser(τ / halfWidth)
 * with fc the cutoff in cycles per input sample, below the lower of the two Nyquist frequencies, so the same
 * kernel is the anti-aliasing filter when downsampling and the anti-imaging filter when upsampling.
 * For the rational ratio to/from = L/M, the fractional part of t only takes L values, so the kernel is tabulated
 * once per phase (exact polyphase). Odd rates with L > MAX_PHASES use MAX_PHASES tabulated phases and
 * interpolate linearly between neighbouring phases (error ≪ the stopband).
 */

import { SAMPLE_RATE } from './audioTypes';

/** Passband edge as a fraction of the lower Nyquist: 7.52 kHz when converting to 16 kHz. */
const PASS_EDGE = 0.94;
/** Stopband edge: at the lower Nyquist (8 kHz), so nothing above it folds back below the pass edge. */
const STOP_EDGE = 1.0;
/** Stopband attenuation the Kaiser window is designed for. */
const ATTENUATION_DB = 80;
/** More phases than this (rates with no small common factor) are interpolated between tabulated phases. */
const MAX_PHASES = 1024;

/** A rate this converter accepts: WAV headers allow anything, but nothing below telephone band is speech. */
export const MIN_RATE = 4000;
export const MAX_RATE = 768_000;

interface Filter {
  /** Up factor L and down factor M (to/from = L/M in lowest terms). */
  up: number;
  down: number;
  /** Taps per phase (2·halfWidth). */
  taps: number;
  halfWidth: number;
  /** Tabulated phases; exact when phases === up, otherwise interpolated. */
  phases: number;
  exact: boolean;
  /** (phases + 1) rows × taps: row p holds h(p/phases + halfWidth − 1 − i) for tap i. */
  table: Float32Array;
}

const filters = new Map<string, Filter>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (series; converges fast for the β used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const half = x / 2;
  for (let k = 1; k < 64; k++) {
    term *= (half / k) * (half / k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

function checkRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
    throw new RangeError(
      `${what} sample rate must be an integer from ${MIN_RATE} to ${MAX_RATE} Hz, got ${rate}`,
    );
  }
}

function designFilter(fromRate: number, toRate: number): Filter {
  const key = `${fromRate}>${toRate}`;
  const cached = filters.get(key);
  if (cached) return cached;

  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  // Work in cycles per input sample: the lower Nyquist decides the band.
  const nyquist = Math.min(fromRate, toRate) / 2 / fromRate;
  const passEdge = PASS_EDGE * nyquist;
  const stopEdge = STOP_EDGE * nyquist;
  const fc = (passEdge + stopEdge) / 2;
  const transition = stopEdge - passEdge;
  // Kaiser's length estimate N = (A − 7.95) / (2.285 · Δω), Δω in radians per input sample.
  const length = (ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * transition) + 1;
  // An even half width makes the tap count a multiple of 4 for the unrolled inner loop.
  const halfWidth = 2 * Math.ceil(length / 4);
  const taps = 2 * halfWidth;
  const beta = kaiserBeta(ATTENUATION_DB);
  const i0Beta = besselI0(beta);

  const exact = up <= MAX_PHASES;
  const phases = exact ? up : MAX_PHASES;
  const table = new Float32Array((phases + 1) * taps);
  for (let p = 0; p <= phases; p++) {
    const frac = p / phases;
    let sum = 0;
    const row = p * taps;
    for (let i = 0; i < taps; i++) {
      const tau = frac + halfWidth - 1 - i;
      const r = tau / halfWidth;
      if (Math.abs(r) >= 1) continue;
      const arg = 2 * fc * tau;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const value = 2 * fc * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
      table[row + i] = value;
      sum += value;
    }
    // Unit gain at DC for every phase: otherwise a constant input picks up a ripple at the phase rate.
    for (let i = 0; i < taps; i++) table[row + i] = (table[row + i] ?? 0) / sum;
  }
  const filter: Filter = { up, down, taps, halfWidth, phases, exact, table };
  filters.set(key, filter);
  return filter;
}

/** The output length for n input samples: round(n · to / from). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  return Math.round((n * toRate) / fromRate);
}

/**
 * Converts `input` (one channel) from `fromRate` to `toRate`. Samples outside the input count as zero, and
 * output sample 0 is aligned with input sample 0 (no delay: the filter is symmetric and centred).
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRate(fromRate, 'input');
  checkRate(toRate, 'output');
  if (fromRate === toRate) return input.slice();
  const outLength = resampledLength(input.length, fromRate, toRate);
  const out = new Float32Array(outLength);
  if (outLength === 0) return out;

  const f = designFilter(fromRate, toRate);
  const { taps, halfWidth, table, up, down, phases, exact } = f;
  // Zero padding on both sides keeps the inner loop free of bounds checks.
  const padded = new Float32Array(input.length + 2 * halfWidth + 1);
  padded.set(input, halfWidth);

  for (let j = 0; j < outLength; j++) {
    // t = j·down/up input samples; integer arithmetic keeps the phase exact for hours of audio.
    const num = j * down;
    const base = Math.floor(num / up);
    // Tap i multiplies input sample base − halfWidth + 1 + i, which sits at index base + 1 + i in `padded`.
    const first = base + 1;
    let acc = 0;
    if (exact) {
      const row = (num - base * up) * taps;
      // Unrolled by 4 with separate accumulators: about twice as fast in V8 as the plain loop.
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < taps; i += 4) {
        const x = first + i;
        const c = row + i;
        acc += (padded[x] as number) * (table[c] as number);
        a1 += (padded[x + 1] as number) * (table[c + 1] as number);
        a2 += (padded[x + 2] as number) * (table[c + 2] as number);
        a3 += (padded[x + 3] as number) * (table[c + 3] as number);
      }
      acc += a1 + a2 + a3;
    } else {
      const pos = ((num - base * up) / up) * phases;
      const p = Math.floor(pos);
      const a = pos - p;
      const row0 = p * taps;
      const row1 = row0 + taps;
      for (let i = 0; i < taps; i++) {
        const c0 = table[row0 + i] ?? 0;
        const c1 = table[row1 + i] ?? 0;
        acc += (padded[first + i] ?? 0) * (c0 + a * (c1 - c0));
      }
    }
    out[j] = acc;
  }
  return out;
}

/** Converts to the engine's rate (16 kHz). */
export function resampleTo16k(input: Float32Array, fromRate: number): Float32Array {
  return resample(input, fromRate, SAMPLE_RATE);
}
