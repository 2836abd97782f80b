import { describe, expect, it } from 'vitest';
import type { Utterance } from '../../../electron/engine/audio/audioTypes';
import { segmentStream, type ChunkScorer } from '../../../electron/engine/audio/vadSegmenter';

/** A scripted VAD: "speech" wherever the chunk is loud; records what it was given. */
function loudnessVad(): ChunkScorer & { chunks: Float32Array[]; resets: number } {
  const fake = {
    chunks: [] as Float32Array[],
    resets: 0,
    probability(chunk: Float32Array): Promise<number> {
      fake.chunks.push(chunk.slice());
      const mean = chunk.reduce((a, b) => a + Math.abs(b), 0) / chunk.length;
      return Promise.resolve(mean > 0.1 ? 0.95 : 0.01);
    },
    reset(): void {
      fake.resets++;
    },
  };
  return fake;
}

async function* frames(audio: Float32Array, sizes: number[]): AsyncGenerator<Float32Array> {
  let k = 0;
  for (let i = 0; i < audio.length;) {
    const n = sizes[k++ % sizes.length] ?? 128;
    yield audio.slice(i, i + n);
    i += n;
    await Promise.resolve(); // frames arrive asynchronously, as from a port
  }
}

describe('segmentStream', () => {
  it('re-chunks any frame sizes to 512 samples, scores the zero-padded tail, and flushes at the end', async () => {
    // 1 s silence, 1 s "speech", 0.25 s silence, then the stream ends mid-utterance-tail (flush).
    const audio = new Float32Array(16_000 + 16_000 + 4000 + 77);
    audio.fill(0.5, 16_000, 32_000);
    const vad = loudnessVad();
    const out: Utterance[] = [];
    for await (const u of segmentStream(frames(audio, [128, 1000, 3, 511]), vad, { now: () => 7 }))
      out.push(u);
    expect(vad.resets).toBe(1);
    expect(vad.chunks.every((c) => c.length === 512)).toBe(true);
    expect(vad.chunks.length).toBe(Math.ceil(audio.length / 512));
    const tail = vad.chunks[vad.chunks.length - 1] ?? new Float32Array(0);
    expect([...tail.subarray(audio.length % 512)].every((v) => v === 0)).toBe(true);
    // Chunks fed to the VAD are the stream, in order.
    expect(vad.chunks[31]).toEqual(audio.slice(31 * 512, 32 * 512));

    expect(out).toHaveLength(1);
    const [u] = out as [Utterance];
    // Speech starts in chunk 31 (15 872–16 384): 400 ms pre-roll (the default) before that chunk.
    expect(u.startMs).toBe(31 * 32 - 400);
    // Last loud chunk ends at 32 256 samples (2016 ms), + 200 ms post-roll.
    expect(u.endMs).toBe(2016 + 200);
    expect(u.endOfSpeechAt).toBe(7);
    expect(u.audio).toEqual(audio.slice(u.startMs * 16, u.endMs * 16));
  });

  it('stops reading the source when the consumer stops', async () => {
    let pulled = 0;
    let finished = false;
    async function* endless(): AsyncGenerator<Float32Array> {
      try {
        for (;;) {
          pulled++;
          const loud = Math.floor(pulled / 50) % 2 === 1;
          yield new Float32Array(512).fill(loud ? 0.5 : 0);
          await Promise.resolve();
        }
      } finally {
        finished = true;
      }
    }
    for await (const u of segmentStream(endless(), loudnessVad())) {
      expect(u.audio.length).toBeGreaterThan(0);
      break;
    }
    expect(finished).toBe(true);
    expect(pulled).toBeLessThan(200);
  });
});
