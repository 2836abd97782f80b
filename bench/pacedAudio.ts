import type { AudioSource } from '../electron/engine/audio/audioTypes';

const SAMPLE_RATE = 16_000;
const FRAME = 512;

/**
 * A 16 kHz recording as a microphone delivers it: 32 ms frames at `speed` × real time, until it ends or
 * `signal` aborts (a benchmark that has its figure stops listening).
 */
export function pacedAudio(audio: Float32Array, speed: number, signal?: AbortSignal): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      const started = performance.now();
      for (let o = 0; o < audio.length && !signal?.aborted; o += FRAME) {
        const wait = started + ((o / SAMPLE_RATE) * 1000) / speed - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        yield audio.subarray(o, o + FRAME);
      }
    },
  };
}
