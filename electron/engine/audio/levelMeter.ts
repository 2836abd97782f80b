import { levelOfRms } from '../../../shared/inputLevel';
import { SAMPLE_RATE } from './audioTypes';

/** One reading per 100 ms of audio: a meter that moves with syllables, ten small events a second at most. */
const WINDOW_SAMPLES = SAMPLE_RATE / 10;
/** A smaller change is not sent: a quiet room costs no events at all. */
const LEVEL_STEP = 0.03;

/**
 * The loudness of the audio a dictation receives, for the windows that do not capture it (the overlay, and
 * any window when the engine records). Timed by the audio itself (every 1,600 samples), not a clock, so it
 * follows the microphone's pace and a test's fake microphone alike.
 */
export class LevelMeter {
  private sumSquares = 0;
  private count = 0;
  private sent = 0;

  constructor(private readonly report: (level: number) => void) {}

  add(samples: Float32Array): void {
    for (const s of samples) {
      this.sumSquares += s * s;
      if (++this.count === WINDOW_SAMPLES) this.flush();
    }
  }

  /** The dictation ended: the meter drops to zero for whoever draws it. */
  reset(): void {
    this.sumSquares = 0;
    this.count = 0;
    if (this.sent !== 0) this.report((this.sent = 0));
  }

  private flush(): void {
    const level = levelOfRms(Math.sqrt(this.sumSquares / this.count));
    this.sumSquares = 0;
    this.count = 0;
    if (Math.abs(level - this.sent) < LEVEL_STEP) return;
    this.sent = level;
    this.report(level);
  }
}

/** The source, metered as it is read (the recorder and a file arrive at real-time pace). */
export function metered(source: AsyncIterable<Float32Array>, meter: LevelMeter): AsyncIterable<Float32Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of source) {
        meter.add(chunk);
        yield chunk;
      }
    },
  };
}
