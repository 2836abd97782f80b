import { describe, expect, it } from 'vitest';
import { resample, resampledLength, resampleTo16k } from '../../../electron/engine/audio/resample';

function tone(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** RMS away from the edges (the filter sees zeros past both ends). */
function rms(x: Float32Array, edge: number): number {
  let sum = 0;
  for (let i = edge; i < x.length - edge; i++) sum += (x[i] ?? 0) ** 2;
  return Math.sqrt(sum / (x.length - 2 * edge));
}

/** Frequency from rising zero crossings, interpolated between samples, over the middle of the signal. */
function frequency(x: Float32Array, rate: number, edge: number): number {
  const crossings: number[] = [];
  for (let i = edge; i < x.length - edge - 1; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    if (a < 0 && b >= 0) crossings.push(i + a / (a - b));
  }
  const first = crossings[0] ?? 0;
  const last = crossings[crossings.length - 1] ?? 0;
  return ((crossings.length - 1) * rate) / (last - first);
}

const dB = (ratio: number): number => 20 * Math.log10(ratio);
const toneRms = 0.5 / Math.SQRT2;

describe('resample', () => {
  for (const rate of [48_000, 44_100, 22_050, 8000, 11_025, 24_000, 32_000, 96_000]) {
    it(`keeps a 1 kHz tone's frequency and amplitude from ${rate} Hz to 16 kHz`, () => {
      const out = resampleTo16k(tone(1000, rate, 1), rate);
      expect(out.length).toBe(16_000);
      expect(frequency(out, 16_000, 400)).toBeCloseTo(1000, 1);
      expect(Math.abs(dB(rms(out, 400) / toneRms))).toBeLessThan(1);
    });
  }

  it('passes 7.5 kHz and removes 12 kHz (≥ 40 dB) from 48 kHz: no aliasing onto 4 kHz', () => {
    const pass = resampleTo16k(tone(7500, 48_000, 1), 48_000);
    expect(Math.abs(dB(rms(pass, 400) / toneRms))).toBeLessThan(1);
    expect(frequency(pass, 16_000, 400)).toBeCloseTo(7500, 0);
    const alias = resampleTo16k(tone(12_000, 48_000, 1), 48_000);
    expect(dB(rms(alias, 400) / toneRms)).toBeLessThan(-40);
    // Just above the new Nyquist too (8.6 kHz would fold onto 7.4 kHz).
    expect(dB(rms(resampleTo16k(tone(8600, 44_100, 1), 44_100), 400) / toneRms)).toBeLessThan(-40);
  });

  it('handles rates without a small common factor (interpolated phases)', () => {
    const out = resampleTo16k(tone(1000, 44_056, 0.5), 44_056);
    expect(out.length).toBe(resampledLength(22_028, 44_056, 16_000));
    expect(frequency(out, 16_000, 400)).toBeCloseTo(1000, 1);
    expect(Math.abs(dB(rms(out, 400) / toneRms))).toBeLessThan(1);
    expect(dB(rms(resampleTo16k(tone(11_000, 44_056, 0.5), 44_056), 400) / toneRms)).toBeLessThan(-40);
  });

  it('gives round(n·16000/rate) samples (±1) for any length', () => {
    for (const rate of [8000, 11_025, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000]) {
      for (const n of [0, 1, 2, 3, 99, 441, 1000, 12_345]) {
        const out = resampleTo16k(new Float32Array(n), rate);
        expect(Math.abs(out.length - Math.round((n * 16_000) / rate))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('keeps DC exactly, aligns sample 0, and copies at equal rates', () => {
    const dc = resampleTo16k(new Float32Array(44_100).fill(0.25), 44_100);
    for (let i = 600; i < dc.length - 600; i += 97) expect(dc[i]).toBeCloseTo(0.25, 6);
    // An impulse at input time 0.5 s lands at output sample 8000 (no delay).
    const impulse = new Float32Array(48_000);
    impulse[24_000] = 1;
    const out = resample(impulse, 48_000, 16_000);
    let peak = 0;
    out.forEach((v, i) => {
      if (Math.abs(v) > Math.abs(out[peak] ?? 0)) peak = i;
    });
    expect(peak).toBe(8000);
    const same = Float32Array.of(1, 2, 3);
    const copy = resample(same, 16_000, 16_000);
    expect(copy).toEqual(same);
    expect(copy).not.toBe(same);
  });

  it('rejects rates outside 4 kHz–768 kHz', () => {
    expect(() => resample(new Float32Array(4), 1000, 16_000)).toThrow(/input sample rate/);
    expect(() => resample(new Float32Array(4), 44_100.5, 16_000)).toThrow(/integer/);
    expect(() => resample(new Float32Array(4), 16_000, 0)).toThrow(/output sample rate/);
  });
});
