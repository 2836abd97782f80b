/** The engine's one audio format: 16 kHz mono Float32 in [-1, 1]. Every source converts to it. */
export const SAMPLE_RATE = 16_000;

/** A source of audio: chunks of any length, in order, ending when the source ends. */
export type AudioSource = AsyncIterable<Float32Array>;

/** One stretch of speech found by the VAD and segmenter. */
export interface Utterance {
  /** Position in the stream, ms from its start (pre-roll included in startMs). */
  startMs: number;
  endMs: number;
  audio: Float32Array;
  /** Wall time (performance.now()) when the end of speech was detected: latency is measured from here. */
  endOfSpeechAt: number;
  /** The utterance was cut at the maximum length and continues in the next one. */
  split: boolean;
}
