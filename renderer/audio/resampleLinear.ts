/**
 * A fallback for browsers that refuse a 16 kHz AudioContext: streaming linear interpolation from the
 * device rate to 16 kHz. Chromium resamples the microphone itself, so this rarely runs.
 */
export class LinearResampler {
  private readonly step: number;
  /** Position of the next output sample, in input samples, relative to the current frame's start. */
  private pos = 0;
  private prev = 0;

  constructor(inputRate: number, outputRate = 16_000) {
    this.step = inputRate / outputRate;
  }

  process(frame: Float32Array): Float32Array {
    const out: number[] = [];
    // Index -1 is the last sample of the previous frame, so interpolation spans frame boundaries.
    const at = (i: number) => (i < 0 ? this.prev : (frame[i] ?? 0));
    // An output needs samples floor(pos) and floor(pos) + 1, both in this frame (or -1, the previous one).
    while (this.pos < frame.length - 1) {
      const i = Math.floor(this.pos);
      const t = this.pos - i;
      out.push(at(i) * (1 - t) + at(i + 1) * t);
      this.pos += this.step;
    }
    this.pos -= frame.length;
    this.prev = frame[frame.length - 1] ?? this.prev;
    return Float32Array.from(out);
  }
}
