/**
 * Real speech for the VAD tests: espeak-ng (Debian package espeak-ng; CI installs it) writes a WAV to
 * stdout, which goes through the engine's own decoder and resampler (22.05 kHz → 16 kHz).
 */

import { execFileSync } from 'node:child_process';
import { decodeWav } from '../../../electron/engine/audio/wavFile';

export interface Speech {
  audio: Float32Array;
  /** First and last sample above the onset level: where the voice really is within `audio`. */
  onset: number;
  offset: number;
}

/** Level that counts as voice: espeak-ng's own leading and trailing silence is exact zeros or near. */
const VOICE_LEVEL = 0.01;

export function speak(text: string, voice = 'en-us', wordsPerMinute = 160): Speech {
  let bytes: Buffer;
  try {
    bytes = execFileSync('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '--stdout', text], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    throw new Error(
      `espeak-ng is needed for the speech tests (apt-get install espeak-ng): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { audio } = decodeWav(bytes, 'espeak-ng output');
  let onset = 0;
  while (onset < audio.length && Math.abs(audio[onset] ?? 0) < VOICE_LEVEL) onset++;
  let offset = audio.length - 1;
  while (offset > onset && Math.abs(audio[offset] ?? 0) < VOICE_LEVEL) offset--;
  return { audio, onset, offset };
}

/** Concatenates pieces of audio and silence (given in ms). */
export function concat(parts: (Float32Array | number)[]): Float32Array {
  const arrays = parts.map((p) => (typeof p === 'number' ? new Float32Array(Math.round(p * 16)) : p));
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** An AudioSource over a buffer, in chunks of `chunk` samples (128: the AudioWorklet's frame). */
export async function* chunked(audio: Float32Array, chunk = 128): AsyncGenerator<Float32Array> {
  for (let i = 0; i < audio.length; i += chunk) {
    yield audio.slice(i, i + chunk);
    // Let other work interleave, as a live source would.
    if (i % (chunk * 64) === 0) await Promise.resolve();
  }
}
