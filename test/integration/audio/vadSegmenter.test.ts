import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Utterance } from '../../../electron/engine/audio/audioTypes';
import { SileroVad } from '../../../electron/engine/audio/sileroVad';
import { segmentStream } from '../../../electron/engine/audio/vadSegmenter';
import { chunked, concat, speak } from './speech';

let vad: SileroVad;
beforeAll(async () => {
  vad = await SileroVad.create();
});
afterAll(async () => {
  await vad.release();
});

const SENTENCES: [string, string][] = [
  ['Open the file and read the first line.', 'en-us'],
  ['Send a message to the team.', 'en-gb'],
  ['What time is the meeting tomorrow?', 'en-us'],
  ['Please turn off the lights.', 'en-gb-scotland'],
  ['The weather is nice today.', 'en-us'],
  ['Save the document now.', 'en-gb'],
  ['Call me when you get home.', 'en-us'],
  ['Seven apples and three oranges.', 'en-gb-x-rp'],
  ['Start the timer for ten minutes.', 'en-us'],
  ['Thank you, that is all for now.', 'en-gb'],
];

describe('segmentStream with Silero VAD on real speech', () => {
  it('finds each of ten spoken sentences once, each starting ≥ 200 ms before its onset', async () => {
    const parts: (Float32Array | number)[] = [700];
    /** Labelled voice onset/offset of each sentence in the stream, ms. */
    const labels: { startMs: number; endMs: number }[] = [];
    let atMs = 700;
    SENTENCES.forEach(([text, voice], i) => {
      const s = speak(text, voice, 150 + 10 * (i % 4));
      labels.push({ startMs: atMs + s.onset / 16, endMs: atMs + s.offset / 16 });
      const gapMs = 1000 + 150 * (i % 3);
      parts.push(s.audio, gapMs);
      atMs += s.audio.length / 16 + gapMs;
    });
    const audio = concat(parts);

    const found: Utterance[] = [];
    for await (const u of segmentStream(chunked(audio, 128), vad)) found.push(u);

    expect(found.map((u) => [Math.round(u.startMs), Math.round(u.endMs)])).toHaveLength(10);
    found.forEach((u, i) => {
      const label = labels[i] ?? { startMs: NaN, endMs: NaN };
      expect(u.startMs).toBeLessThanOrEqual(label.startMs - 200);
      expect(u.endMs).toBeGreaterThanOrEqual(label.endMs);
      expect(u.split).toBe(false);
      // Nothing of the neighbours: it ends before the next sentence's voice.
      const next = labels[i + 1];
      if (next) expect(u.endMs).toBeLessThan(next.startMs);
    });
  });

  it('splits long speech at maxUtteranceMs into pieces that tile the audio', async () => {
    const s = speak(
      'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.',
    );
    const audio = concat([500, s.audio, 1000]);
    const found: Utterance[] = [];
    for await (const u of segmentStream(chunked(audio, 512), vad, { maxUtteranceMs: 2000 })) found.push(u);
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < found.length; i++) {
      expect(found[i - 1]?.split).toBe(true);
      expect(found[i]?.startMs).toBe(found[i - 1]?.endMs);
    }
    expect(found[found.length - 1]?.split).toBe(false);
    for (const u of found) expect(u.endMs - u.startMs).toBeLessThanOrEqual(2000);
  });

  it('keeps a post-roll after the end of speech: no utterance ends before its last audible sample', async () => {
    // en-gb-x-rp's "It is perfect" ends on a /t/ burst after its closure, which the VAD scores as silence:
    // with a 100 ms post-roll the utterance ended 9 ms before the burst did.
    const cases: [string, string][] = [
      ['It is perfect', 'en-gb-x-rp'],
      ['It is perfect', 'en-us'],
      ['Go forward', 'en-us'],
      ['Stop this', 'en-gb'],
      ['Check the status', 'en-gb-scotland'],
      ['Push', 'en-us'],
    ];
    for (const [text, voice] of cases) {
      const s = speak(text, voice, 150);
      const lastAudibleMs = 500 + lastAbove(s.audio, 0.002) / 16;
      const found: Utterance[] = [];
      for await (const u of segmentStream(chunked(concat([500, s.audio, 1500]), 128), vad)) found.push(u);
      expect(found, `${voice} "${text}"`).toHaveLength(1);
      // 50 ms of margin: below that level a decaying sound still goes on.
      expect(found[0]?.endMs, `${voice} "${text}"`).toBeGreaterThanOrEqual(lastAudibleMs + 50);
    }
  });

  it('cuts a long reading in its pause between sentences, though the pause is 8 s before the limit', async () => {
    // Only the last 5 s used to be searched: with no pause there, the cut went inside the speech after it.
    const voiced = (text: string) => {
      const s = speak(text, 'en-us', 170);
      return s.audio.slice(s.onset, s.offset + 1);
    };
    const before = [
      voiced(
        'The quick brown fox jumps over the lazy dog and then the dog runs away into the forest where it meets a family of rabbits who live under an old oak tree near the river bank',
      ),
      250,
      voiced(
        'Every morning the rabbits wake up early to gather fresh clover from the meadow while the birds sing loudly in the branches above',
      ),
      250,
      voiced('Later in the day the sun climbs high over the hills and the whole valley grows warm and quiet'),
    ];
    const pauseStartMs =
      1000 + before.reduce<number>((n, p) => n + (typeof p === 'number' ? p : p.length / 16), 0);
    const audio = concat([
      1000,
      ...before,
      300,
      voiced(
        'and the farmer walks along the winding road with his old brown horse carrying heavy bags of grain',
      ),
      voiced('while the children run beside them laughing and shouting about the big fair in town tomorrow'),
      1500,
    ]);
    const found: Utterance[] = [];
    for await (const u of segmentStream(chunked(audio, 128), vad)) found.push(u);
    expect(found.map((u) => u.split)).toEqual([true, false]);
    const [first] = found as [Utterance];
    expect(first.endMs - first.startMs).toBeLessThanOrEqual(30_000);
    // The limit is 30 s after the start; the pause is well before its last 5 s.
    expect(first.startMs + 30_000 - pauseStartMs).toBeGreaterThan(7000);
    expect(first.endMs).toBeGreaterThan(pauseStartMs);
    expect(first.endMs).toBeLessThan(pauseStartMs + 300);
  });
});

/** Index of the last sample whose magnitude reaches `level`. */
function lastAbove(audio: Float32Array, level: number): number {
  let i = audio.length - 1;
  while (i > 0 && Math.abs(audio[i] ?? 0) < level) i--;
  return i;
}
