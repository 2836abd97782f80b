import type { AudioSource } from './audioTypes';

/** Audio already in memory as a source, in chunks the way a live stream would arrive. */
export function memorySource(audio: Float32Array, chunkSamples = 512): AudioSource {
  return {
    [Symbol.asyncIterator]() {
      let offset = 0;
      return {
        next: () => {
          if (offset >= audio.length) return Promise.resolve({ value: undefined, done: true as const });
          const value = audio.subarray(offset, offset + chunkSamples);
          offset += chunkSamples;
          return Promise.resolve({ value, done: false as const });
        },
      };
    },
  };
}
