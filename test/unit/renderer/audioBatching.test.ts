import { describe, expect, it } from 'vitest';
import { BATCH_SAMPLES, clampSample, FrameBatcher } from '../../../renderer/audio/frameBatcher';
import { describeMicError, MicUnavailable } from '../../../renderer/audio/micErrors';
import { LinearResampler } from '../../../renderer/audio/resampleLinear';

const frame = (n: number, value: number) => new Float32Array(n).fill(value);

describe('FrameBatcher', () => {
  it('turns 128-sample worklet frames into ~128 ms batches', () => {
    const batches: Float32Array[] = [];
    const b = new FrameBatcher((x) => batches.push(x));
    for (let i = 0; i < 40; i++) b.add(frame(128, i / 100));
    expect(batches).toHaveLength(Math.floor((40 * 128) / BATCH_SAMPLES));
    expect(batches[0]?.length).toBe(BATCH_SAMPLES);
    // 1000 samples at 16 kHz = 62.5 ms… a batch of 2048 is 128 ms: inside the 100–250 ms the engine wants.
    expect((BATCH_SAMPLES / 16_000) * 1000).toBeGreaterThanOrEqual(100);
    expect((BATCH_SAMPLES / 16_000) * 1000).toBeLessThanOrEqual(250);
    expect(batches[1]?.[0]).toBeCloseTo(0.16);
  });

  it('flushes the remainder so the end of speech is not lost', () => {
    const batches: Float32Array[] = [];
    const b = new FrameBatcher((x) => batches.push(x), 256);
    b.add(frame(300, 0.1));
    b.flush();
    expect(batches.map((x) => x.length)).toEqual([256, 44]);
    b.flush();
    expect(batches).toHaveLength(2);
  });

  it('does not reuse a batch it already handed out', () => {
    const batches: Float32Array[] = [];
    const b = new FrameBatcher((x) => batches.push(x), 4);
    b.add(Float32Array.of(1, 1, 1, 1));
    b.add(Float32Array.of(0.5, 0.5, 0.5, 0.5));
    expect(Array.from(batches[0] ?? [])).toEqual([1, 1, 1, 1]);
  });

  it('clamps to the contract range and drops NaN', () => {
    expect(clampSample(1.5)).toBe(1);
    expect(clampSample(-2)).toBe(-1);
    expect(clampSample(Number.NaN)).toBe(0);
    expect(clampSample(0.25)).toBe(0.25);
  });
});

describe('LinearResampler', () => {
  it('turns 48 kHz into a third as many samples, continuously across frames', () => {
    const r = new LinearResampler(48_000);
    let total = 0;
    const outs: number[] = [];
    for (let f = 0; f < 100; f++) {
      const input = Float32Array.from({ length: 128 }, (_, i) => (f * 128 + i) / 12_800);
      const out = r.process(input);
      total += out.length;
      outs.push(...out);
    }
    expect(Math.abs(total - (100 * 128) / 3)).toBeLessThanOrEqual(2);
    // A ramp stays a ramp: every step is three input samples.
    for (let i = 1; i < outs.length; i++)
      expect((outs[i] ?? 0) - (outs[i - 1] ?? 0)).toBeCloseTo(3 / 12_800, 5);
  });
});

describe('microphone errors', () => {
  const domError = (name: string) => Object.assign(new Error('x'), { name });
  it('says what happened and what to do', () => {
    expect(describeMicError(domError('NotAllowedError'))).toMatch(/permission was denied/);
    expect(describeMicError(domError('NotFoundError'))).toMatch(/No microphone was found/);
    expect(describeMicError(domError('NotReadableError'))).toMatch(/another application/);
    expect(describeMicError(new MicUnavailable('Microphone capture is not available in this window.'))).toBe(
      'Microphone capture is not available in this window.',
    );
    expect(describeMicError(new Error('odd'))).toMatch(/could not be started: odd/);
  });
});
