/**
 * The project's recorded-style fixtures (build/fixtures/tiny-ctc/make_test_audio.py writes them under
 * test/fixtures/audio/ with held-out espeak-ng voices over a light noise floor). These tests run once the
 * fixtures exist; the espeak-ng tests beside this file cover the same ground without them.
 */

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Utterance } from '../../../electron/engine/audio/audioTypes';
import { SileroVad } from '../../../electron/engine/audio/sileroVad';
import { segmentStream } from '../../../electron/engine/audio/vadSegmenter';
import { readWav, wavFileSource } from '../../../electron/engine/audio/wavFile';

const dir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
const tenWav = `${dir}ten-utterances.wav`;
const tenJson = `${dir}ten-utterances.json`;
const formatsJson = `${dir}formats.json`;
const haveTen = existsSync(tenWav) && existsSync(tenJson);
const haveFormats = existsSync(formatsJson);

interface TenLabels {
  sampleRate: number;
  durationMs: number;
  utterances: { text: string; startMs: number; endMs: number }[];
}
interface FormatEntry {
  file: string;
  text: string;
  sampleRate: number;
  channels: number;
  format: string;
}

let vad: SileroVad | undefined;
beforeAll(async () => {
  if (haveTen || haveFormats) vad = await SileroVad.create();
});
afterAll(async () => {
  await vad?.release();
});
const loaded = (): SileroVad => {
  if (!vad) throw new Error('the VAD did not load');
  return vad;
};

describe('fixture audio (test/fixtures/audio)', () => {
  it.skipIf(!haveTen)(
    'ten-utterances.wav: exactly 10 utterances, each starting ≥ 200 ms before its label',
    async () => {
      const labels = JSON.parse(readFileSync(tenJson, 'utf8')) as TenLabels;
      expect(labels.utterances).toHaveLength(10);
      const found: Utterance[] = [];
      for await (const u of segmentStream(wavFileSource(tenWav), loaded())) found.push(u);
      expect(found.map((u) => [Math.round(u.startMs), Math.round(u.endMs)])).toHaveLength(10);
      found.forEach((u, i) => {
        const label = labels.utterances[i] ?? { startMs: NaN, endMs: NaN };
        expect(u.startMs).toBeLessThanOrEqual(label.startMs - 200);
        // The end keeps the last word: past the labelled end, less a little for a soft final consonant.
        expect(u.endMs).toBeGreaterThanOrEqual(label.endMs - 150);
        const next = labels.utterances[i + 1];
        if (next) expect(u.endMs).toBeLessThan(next.startMs);
        expect(u.split).toBe(false);
      });
    },
  );

  it.skipIf(!haveFormats)(
    'decodes the 48 kHz stereo and 22.05 kHz float fixtures to one utterance each',
    async () => {
      const entries = JSON.parse(readFileSync(formatsJson, 'utf8')) as FormatEntry[];
      for (const entry of entries) {
        const wav = await readWav(`${dir}${entry.file}`);
        expect(wav.sourceRate).toBe(entry.sampleRate);
        expect(wav.channels).toBe(entry.channels);
        expect(Math.abs(wav.audio.length - Math.round(wav.durationMs * 16))).toBeLessThanOrEqual(1);
        const found: Utterance[] = [];
        for await (const u of segmentStream(wavFileSource(`${dir}${entry.file}`), loaded())) found.push(u);
        expect(found, entry.file).toHaveLength(1);
      }
    },
  );
});
