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
});
