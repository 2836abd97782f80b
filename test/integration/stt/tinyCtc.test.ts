/**
 * The project's trained tiny CTC model (test/fixtures/models/tiny-ctc, built by build/fixtures/tiny-ctc)
 * transcribes the held-out WAVs (voices never seen in training) end to end: WAV → 16 kHz → NeMo log-mel →
 * ORT behind ModelHost → greedy CTC → text. Skipped, saying why, until the fixture has been built.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../../electron/engine/audio/wavFile';
import { loadRecognizer, type LoadedRecognizer } from '../../../electron/engine/stt/loadRecognizer';
import { hostRunner, type HostRunner } from './hostRunner';

const MODEL = fileURLToPath(new URL('../../fixtures/models/tiny-ctc/', import.meta.url));
const AUDIO = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
const ready = existsSync(`${MODEL}model.onnx`) && existsSync(`${AUDIO}heldout.json`);
if (!ready) console.warn(`tiny-ctc tests skipped: ${MODEL}model.onnx or ${AUDIO}heldout.json not built yet`);

interface Clip {
  file: string;
  text: string;
}

describe.skipIf(!ready)('the tiny CTC fixture model', () => {
  let recognizer: LoadedRecognizer;
  let runner: HostRunner;
  let clips: Clip[];

  beforeAll(async () => {
    recognizer = await loadRecognizer(MODEL);
    runner = await hostRunner(recognizer.models);
    clips = JSON.parse(await readFile(`${AUDIO}heldout.json`, 'utf8')) as Clip[];
  });
  afterAll(async () => {
    await runner.release();
  });

  it('loads as one CTC model with its 44 words and the blank last', () => {
    expect(recognizer.family).toBe('nemo-ctc');
    expect(recognizer.models).toEqual([expect.objectContaining({ id: 'stt', role: 'stt', prefer: 'gpu' })]);
    expect(recognizer.blankId).toBe(44);
  });

  it('transcribes every held-out WAV exactly', async () => {
    expect(clips.length).toBeGreaterThan(0);
    for (const clip of clips) {
      const { audio } = await readWav(`${AUDIO}${clip.file}`);
      const r = await recognizer.recognize(audio, runner.run);
      expect({ file: clip.file, text: r.text }).toEqual({ file: clip.file, text: clip.text });
      expect(r.device).toBe('cpu');
    }
  });

  it('transcribes a 48 kHz stereo recording after conversion', async () => {
    const file = `${AUDIO}check-memory-status-48k-stereo.wav`;
    if (!existsSync(file)) return;
    const { audio } = await readWav(file);
    expect((await recognizer.recognize(audio, runner.run)).text).toBe('check memory status');
  });
});
