/**
 * Audio source → 512-sample chunks → Silero VAD → Segmenter → utterances, as the audio arrives.
 */

import type { AudioSource, Utterance } from './audioTypes';
import { Segmenter, type SegmenterOptions } from './segmenter';
import { VAD_CHUNK, type SileroVad } from './sileroVad';

/** What segmentStream needs from the VAD (SileroVad, or a scripted fake in tests). */
export type ChunkScorer = Pick<SileroVad, 'probability' | 'reset'>;

/**
 * Segments a stream. The VAD is reset first (one stream per call; do not share one SileroVad between two
 * streams running at once). endOfSpeechAt is performance.now() when the end was detected (options.now).
 * Stopping the iteration early stops reading the source.
 */
export async function* segmentStream(
  source: AudioSource,
  vad: ChunkScorer,
  opts: Partial<SegmenterOptions> = {},
): AsyncGenerator<Utterance, void, undefined> {
  const segmenter = new Segmenter(opts);
  vad.reset();
  // Re-chunking buffer: sources deliver any length (128-sample worklet frames, 32 ms file chunks, pipe reads).
  let pending = new Float32Array(VAD_CHUNK);
  let filled = 0;
  for await (const frame of source) {
    let offset = 0;
    while (offset < frame.length) {
      const take = Math.min(VAD_CHUNK - filled, frame.length - offset);
      pending.set(frame.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === VAD_CHUNK) {
        const chunk = pending;
        // The segmenter keeps the chunk, so the next one gets a fresh buffer.
        pending = new Float32Array(VAD_CHUNK);
        filled = 0;
        const p = await vad.probability(chunk);
        yield* segmenter.push(p, chunk);
      }
    }
  }
  if (filled > 0) {
    // The last partial chunk: scored zero-padded (the model takes 512 samples), kept at its real length.
    const p = await vad.probability(pending);
    yield* segmenter.push(p, pending.slice(0, filled));
  }
  yield* segmenter.flush();
}
