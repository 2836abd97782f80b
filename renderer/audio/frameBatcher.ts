/**
 * Collects 128-sample worklet frames into batches of about 128 ms: one `audio.push` per batch keeps the
 * message rate low (≈8/s) while the engine still hears speech with little delay.
 */
export const BATCH_SAMPLES = 2048;

export class FrameBatcher {
  private buffer: Float32Array<ArrayBuffer>;
  private filled = 0;

  constructor(
    private readonly emit: (batch: Float32Array<ArrayBuffer>) => void,
    readonly batchSamples = BATCH_SAMPLES,
  ) {
    this.buffer = new Float32Array(batchSamples);
  }

  add(frame: Float32Array): void {
    let offset = 0;
    while (offset < frame.length) {
      const n = Math.min(frame.length - offset, this.batchSamples - this.filled);
      for (let i = 0; i < n; i++) this.buffer[this.filled + i] = clampSample(frame[offset + i] ?? 0);
      this.filled += n;
      offset += n;
      if (this.filled === this.batchSamples) this.emitBuffer(this.buffer);
    }
  }

  /** Send what is left (the end of an utterance must not be lost when dictation stops). */
  flush(): void {
    if (this.filled > 0) this.emitBuffer(this.buffer.slice(0, this.filled));
  }

  private emitBuffer(batch: Float32Array<ArrayBuffer>): void {
    // The emitted array travels on (structured clone or JSON): start a fresh buffer rather than reuse it.
    this.buffer = new Float32Array(this.batchSamples);
    this.filled = 0;
    this.emit(batch);
  }
}

/** The contract accepts samples in [-1, 1]; a hot microphone can overshoot and NaN must not travel. */
export function clampSample(v: number): number {
  if (Number.isNaN(v)) return 0;
  return v > 1 ? 1 : v < -1 ? -1 : v;
}
