import { describe, expect, it } from 'vitest';
import type { Utterance } from '../../../electron/engine/audio/audioTypes';
import {
  defaultSegmenterOptions,
  Segmenter,
  type SegmenterOptions,
} from '../../../electron/engine/audio/segmenter';

const CHUNK = 512; // 32 ms
const MS_PER_CHUNK = 32;
const PRE = defaultSegmenterOptions().preRollMs;

/** Audio whose every sample encodes its stream position, so emitted audio can be located exactly. */
const valueAt = (index: number): number => Math.fround(index * 1e-6);

interface Run {
  utterances: Utterance[];
  /** Stream position (ms) at which each utterance was emitted. */
  emittedAtMs: number[];
}

/** Feeds one chunk per probability (runs given as [p, chunks]), then optionally flushes. */
function feed(seg: Segmenter, runs: [number, number][], flush = true): Run {
  const out: Run = { utterances: [], emittedAtMs: [] };
  let index = Math.round((seg.positionMs * 16_000) / 1000);
  for (const [p, count] of runs) {
    for (let c = 0; c < count; c++) {
      const audio = Float32Array.from({ length: CHUNK }, (_, i) => valueAt(index + i));
      index += CHUNK;
      for (const u of seg.push(p, audio)) {
        out.utterances.push(u);
        out.emittedAtMs.push(seg.positionMs);
      }
    }
  }
  if (flush) {
    for (const u of seg.flush()) {
      out.utterances.push(u);
      out.emittedAtMs.push(seg.positionMs);
    }
  }
  return out;
}

/** The utterance's audio is exactly the stream's samples [startMs, endMs). */
function expectAudioMatches(u: Utterance): void {
  const start = Math.round(u.startMs * 16);
  expect(u.audio.length).toBe(Math.round((u.endMs - u.startMs) * 16));
  for (const i of [0, Math.floor(u.audio.length / 2), u.audio.length - 1]) {
    expect(u.audio[i]).toBe(valueAt(start + i));
  }
}

const make = (opts: Partial<SegmenterOptions> = {}): Segmenter => new Segmenter({ now: () => 1234, ...opts });

describe('Segmenter', () => {
  it('emits one utterance with the pre-roll and 200 ms post-roll, after 600 ms of silence', () => {
    // 1024 ms silence, 1024 ms speech, 1024 ms silence.
    const { utterances, emittedAtMs } = feed(make(), [
      [0.02, 32],
      [0.9, 32],
      [0.05, 32],
    ]);
    expect(utterances).toHaveLength(1);
    const u = utterances[0] as Utterance;
    expect(PRE).toBe(400);
    expect(u.startMs).toBe(1024 - PRE);
    expect(u.endMs).toBe(2048 + 200);
    expect(u.split).toBe(false);
    expect(u.endOfSpeechAt).toBe(1234);
    // Detected once 600 ms of silence had passed: after 19 silent chunks (608 ms), not at the flush.
    expect(emittedAtMs[0]).toBe(2048 + 19 * MS_PER_CHUNK);
    expectAudioMatches(u);
  });

  it('clamps the pre-roll at the stream start', () => {
    const { utterances } = feed(make(), [
      [0.1, 3],
      [0.8, 20],
      [0, 20],
    ]);
    expect(utterances).toHaveLength(1);
    expect(utterances[0]?.startMs).toBe(0);
    expectAudioMatches(utterances[0] as Utterance);

    const immediate = feed(make(), [
      [0.8, 10],
      [0, 20],
    ]).utterances;
    expect(immediate[0]?.startMs).toBe(0);
  });

  it('moves the onset back over the uncertain chunks just before the trigger (at most maxLookBackMs)', () => {
    // 5 chunks at 0.1–0.4 before the trigger: the VAD was unsure of a real onset.
    const unsure = feed(make(), [
      [0, 30],
      [0.3, 3],
      [0.12, 2],
      [0.9, 10],
      [0, 30],
    ]).utterances;
    expect(unsure).toHaveLength(1);
    expect(unsure[0]?.startMs).toBe(30 * MS_PER_CHUNK - PRE);
    expectAudioMatches(unsure[0] as Utterance);
    // A gap below lookBackThreshold stops the walk.
    const gap = feed(make(), [
      [0, 30],
      [0.3, 3],
      [0.05, 1],
      [0.2, 2],
      [0.9, 10],
      [0, 30],
    ]).utterances;
    expect(gap[0]?.startMs).toBe(34 * MS_PER_CHUNK - PRE);
    // At most 700 ms (21 chunks of 32 ms) back.
    const capped = feed(make(), [
      [0, 40],
      [0.2, 40],
      [0.9, 10],
      [0, 30],
    ]).utterances;
    expect(capped[0]?.startMs).toBe((80 - 21) * MS_PER_CHUNK - PRE);
    // Off.
    const off = feed(make({ maxLookBackMs: 0 }), [
      [0, 30],
      [0.3, 5],
      [0.9, 10],
      [0, 30],
    ]).utterances;
    expect(off[0]?.startMs).toBe(35 * MS_PER_CHUNK - PRE);
  });

  it('ignores clicks shorter than minSpeechMs, keeps speech at least that long', () => {
    expect(
      feed(make(), [
        [0, 10],
        [0.99, 2],
        [0, 40],
      ]).utterances,
    ).toHaveLength(0);
    // 5 chunks = 160 ms ≥ 150 ms.
    expect(
      feed(make(), [
        [0, 10],
        [0.99, 5],
        [0, 40],
      ]).utterances,
    ).toHaveLength(1);
    // Chunks between negThreshold and threshold extend an utterance but are not speech by themselves.
    expect(
      feed(make(), [
        [0, 10],
        [0.99, 2],
        [0.45, 30],
        [0, 40],
      ]).utterances,
    ).toHaveLength(0);
    // A dropped click's audio can still be the next utterance's pre-roll.
    const after = feed(make(), [
      [0, 10],
      [0.99, 2],
      [0, 19],
      [0.99, 10],
      [0, 40],
    ]).utterances;
    expect(after).toHaveLength(1);
    expect(after[0]?.startMs).toBe((10 + 2 + 19) * MS_PER_CHUNK - PRE);
  });

  it('uses hysteresis: p between negThreshold and threshold keeps the utterance going', () => {
    const { utterances } = feed(make(), [
      [0, 10],
      [0.9, 10],
      [0.4, 30], // ~1 s of "maybe": still speech
      [0.9, 10],
      [0.2, 18], // 576 ms < 600 ms: a pause, not the end
      [0.9, 10],
      [0, 40],
    ]);
    expect(utterances).toHaveLength(1);
    expect(utterances[0]?.endMs).toBe((10 + 10 + 30 + 10 + 18 + 10) * MS_PER_CHUNK + 200);
  });

  it('splits two utterances at a long enough pause, without overlapping audio', () => {
    const seg = make({ silenceMs: 300, postRollMs: 200, preRollMs: 300 });
    const { utterances } = feed(seg, [
      [0, 10],
      [0.9, 10],
      [0, 10], // 320 ms of silence ends the first
      [0.9, 10],
      [0, 20],
    ]);
    expect(utterances).toHaveLength(2);
    const [a, b] = utterances as [Utterance, Utterance];
    expect(a.endMs).toBe(20 * MS_PER_CHUNK + 200);
    // The pre-roll would reach 300 ms back, into the first utterance's post-roll: it stops at its end.
    expect(b.startMs).toBe(a.endMs);
    expectAudioMatches(a);
    expectAudioMatches(b);
  });

  it('cuts at maxUtteranceMs at the quietest chunk of the search window, and the pieces tile the audio', () => {
    const seg = make({ maxUtteranceMs: 2000, splitSearchMs: 1000 });
    // Speech from 640 ms; a dip to 0.55 at chunk 60 (1920–1952 ms), inside the last 1000 ms before the limit.
    const { utterances } = feed(seg, [
      [0, 20],
      [0.95, 40],
      [0.55, 1],
      [0.95, 100],
      [0, 30],
    ]);
    expect(utterances.length).toBe(3);
    const [a, b, c] = utterances as [Utterance, Utterance, Utterance];
    expect(a.startMs).toBe(640 - PRE);
    expect(a.endMs).toBe(61 * MS_PER_CHUNK); // after the dip chunk
    expect(a.split).toBe(true);
    expect(b.startMs).toBe(a.endMs);
    expect(b.split).toBe(true);
    expect(b.endMs - b.startMs).toBeLessThanOrEqual(2000);
    expect(c.startMs).toBe(b.endMs);
    expect(c.split).toBe(false);
    expect(c.endMs).toBe(161 * MS_PER_CHUNK + 200);
    for (const u of utterances) expectAudioMatches(u);
  });

  it('cuts in the pause in progress at the limit, and drops a remainder that is only silence', () => {
    const seg = make({ maxUtteranceMs: 1600, splitSearchMs: 0, silenceMs: 600 });
    // 1600 ms = 50 chunks from start 0 (pre-roll clamped); speech stops at chunk 45 (1440 ms): the cut goes in
    // the middle of the silence before the limit, which then completes without a second utterance.
    const { utterances, emittedAtMs } = feed(
      seg,
      [
        [0.9, 45],
        [0, 40],
      ],
      false,
    );
    expect(utterances).toHaveLength(1);
    expect(utterances[0]?.endMs).toBe((1440 + 1600) / 2);
    expect(utterances[0]?.split).toBe(true);
    expect(emittedAtMs[0]).toBe(1600);
    expect(seg.speaking).toBe(false);
    expect(seg.flush()).toEqual([]);
  });

  it('never cuts inside speech when the utterance has a pause, even one before the search window', () => {
    const seg = make({ maxUtteranceMs: 2000 }); // search window: the last 1000 ms before the limit
    // Start 240 ms (640 − pre-roll), limit 2240 ms. A pause at chunks 30–33 (960–1088 ms) lies before the
    // window; inside it the speech only dips to 0.4 (still voiced) at chunk 49.
    const { utterances } = feed(seg, [
      [0, 20],
      [0.9, 10],
      [0.1, 4],
      [0.9, 15],
      [0.4, 1],
      [0.9, 60],
      [0, 30],
    ]);
    const [a] = utterances as [Utterance];
    expect(a.split).toBe(true);
    expect(a.endMs).toBe((960 + 1088) / 2); // the middle of the pause, not the dip at 1600 ms
    expect(utterances[1]?.startMs).toBe(a.endMs);
    for (const u of utterances) expectAudioMatches(u);
  });

  it('cuts in the middle of the longest pause of the search window, not at the edge of a word', () => {
    const seg = make({ maxUtteranceMs: 2000 });
    // Window 1240–2240 ms: a 2-chunk pause at 44–45 (1408–1472 ms) and a 6-chunk one at 52–57 (1664–1856 ms),
    // then a 1-chunk one at 62 (1984–2016 ms), the latest and as quiet.
    const { utterances } = feed(seg, [
      [0, 20],
      [0.9, 24],
      [0.05, 2],
      [0.9, 6],
      [0.05, 6],
      [0.9, 4],
      [0.05, 1],
      [0.9, 40],
      [0, 30],
    ]);
    expect(utterances[0]?.endMs).toBe((1664 + 1856) / 2);
  });

  it('keeps 200 ms after the last voiced chunk by default, never more than the silence that ends speech', () => {
    expect(defaultSegmenterOptions().postRollMs).toBe(200);
    expect(make({ silenceMs: 150 }).options.postRollMs).toBe(150);
    expect(make({ silenceMs: 150, postRollMs: 100 }).options.postRollMs).toBe(100);
  });

  it('flush emits the utterance in progress; an idle flush emits nothing', () => {
    const seg = make();
    const first = feed(
      seg,
      [
        [0, 15],
        [0.9, 20],
      ],
      false,
    );
    expect(first.utterances).toHaveLength(0);
    expect(seg.speaking).toBe(true);
    const flushed = seg.flush();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]?.startMs).toBe(15 * MS_PER_CHUNK - PRE);
    expect(flushed[0]?.endMs).toBe(35 * MS_PER_CHUNK); // post-roll limited by the stream's end
    expect(flushed[0]?.split).toBe(false);
    expect(seg.flush()).toEqual([]);
    seg.reset();
    expect(seg.positionMs).toBe(0);
  });

  it('accepts chunks of any length', () => {
    const seg = make();
    const out: Utterance[] = [];
    const lengths = [100, 700, 512, 33];
    let index = 0;
    for (let k = 0; k < 200; k++) {
      const n = lengths[k % lengths.length] ?? 1;
      const p = index > 16_000 && index < 32_000 ? 0.9 : 0;
      out.push(
        ...seg.push(
          p,
          Float32Array.from({ length: n }, (_, i) => valueAt(index + i)),
        ),
      );
      index += n;
    }
    out.push(...seg.flush());
    expect(out).toHaveLength(1);
    for (const u of out) expectAudioMatches(u);
  });

  it('validates its options with clear errors', () => {
    expect(() => new Segmenter({ threshold: 0 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => new Segmenter({ threshold: 0.5, negThreshold: 0.6 })).toThrow(/negThreshold/);
    expect(() => new Segmenter({ silenceMs: -1 })).toThrow(/silenceMs must be > 0/);
    expect(() => new Segmenter({ preRollMs: 100 })).toThrow(/preRollMs must be ≥ 200/);
    expect(() => new Segmenter({ postRollMs: 700 })).toThrow(/postRollMs must be in \[0, silenceMs\]/);
    expect(() => new Segmenter({ maxUtteranceMs: 500 })).toThrow(/maxUtteranceMs/);
    expect(() => new Segmenter({ minSpeechMs: Number.NaN })).toThrow(/minSpeechMs must be a finite number/);
    expect(() => new Segmenter({ lookBackThreshold: 0.6 })).toThrow(
      /lookBackThreshold must be in \(0, threshold\]/,
    );
    expect(() => new Segmenter({ maxLookBackMs: -1 })).toThrow(/maxLookBackMs/);
    expect(new Segmenter({ threshold: 0.1 }).options.negThreshold).toBe(0.01);
    expect(new Segmenter({ threshold: 0.6 }).options.negThreshold).toBeCloseTo(0.45, 10);
    expect(() => make().push(1.5, new Float32Array(512))).toThrow(/probability/);
  });
});
