import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computeFeatures,
  DEFAULT_FEATURE_CONFIG,
  featureFrames,
  melFilterbank,
} from '../../../electron/engine/audio/features';

/** Written by build/fixtures/tiny-ctc/nemo_features.py (numpy, float64): the features the models train on. */
interface Reference {
  spec: { nFft: number; winLength: number; hop: number; preemph: number; logGuard: number };
  filterbanks: { nMels: number; weights: number[][] }[];
  cases: {
    name: string;
    nMels: number;
    numFrames: number;
    signal: number[];
    logMel: number[][];
    features: number[][];
  }[];
}

const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/features/reference.json', import.meta.url), 'utf8'),
) as Reference;

function maxDiff(rows: number[][], data: Float32Array, frames: number): number {
  let d = 0;
  rows.forEach((row, m) =>
    row.forEach((v, t) => {
      d = Math.max(d, Math.abs(v - (data[m * frames + t] ?? Number.NaN)));
    }),
  );
  return d;
}

describe('computeFeatures', () => {
  it('uses the reference spec as its defaults', () => {
    const { spec } = reference;
    expect(DEFAULT_FEATURE_CONFIG).toMatchObject({
      nFft: spec.nFft,
      winLength: spec.winLength,
      hop: spec.hop,
      preemph: spec.preemph,
      logGuard: spec.logGuard,
      normalize: 'per_feature',
    });
  });

  it('builds the Slaney filterbank of librosa (htk=False, norm=slaney)', () => {
    for (const fb of reference.filterbanks) {
      const ours = melFilterbank(fb.nMels, 16_000, 512);
      let d = 0;
      fb.weights.forEach((row, m) =>
        row.forEach((v, k) => (d = Math.max(d, Math.abs(v - (ours[m]?.[k] ?? Number.NaN))))),
      );
      expect(d).toBeLessThan(1e-9);
    }
  });

  for (const c of reference.cases) {
    it(`matches the NeMo-compatible reference: ${c.name}`, () => {
      const signal = Float32Array.from(c.signal);
      const f = computeFeatures(signal, { nMels: c.nMels });
      expect(f.nMels).toBe(c.nMels);
      expect(f.frames).toBe(c.numFrames);
      expect(f.frames).toBe(featureFrames(signal.length));
      expect(f.data.length).toBe(c.nMels * c.numFrames);
      expect(maxDiff(c.features, f.data, f.frames)).toBeLessThanOrEqual(1e-3);
      // In practice the match is at float32 precision, before and after normalisation.
      expect(maxDiff(c.features, f.data, f.frames)).toBeLessThan(1e-5);
      const raw = computeFeatures(signal, { nMels: c.nMels, normalize: 'none' });
      expect(maxDiff(c.logMel, raw.data, raw.frames)).toBeLessThan(1e-5);
    });
  }

  it('handles empty and single-frame input without NaN', () => {
    const empty = computeFeatures(new Float32Array(0));
    expect(empty.frames).toBe(1);
    expect([...empty.data].every((v) => v === 0)).toBe(true);
    const short = computeFeatures(Float32Array.of(0.5, -0.5, 0.25));
    expect(short.frames).toBe(1);
    expect([...short.data].every(Number.isFinite)).toBe(true);
    const silence = computeFeatures(new Float32Array(1600), { normalize: 'none' });
    expect(silence.data[0]).toBeCloseTo(Math.log(2 ** -24), 6);
  });

  it('validates its config', () => {
    expect(() => computeFeatures(new Float32Array(10), { nFft: 500 })).toThrow(/power of 2/);
    expect(() => computeFeatures(new Float32Array(10), { winLength: 1024 })).toThrow(/winLength/);
    expect(() => computeFeatures(new Float32Array(10), { hop: 0 })).toThrow(/hop/);
  });
});
