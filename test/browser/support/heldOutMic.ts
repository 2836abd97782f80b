import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromiumMissing, type Cleanup, fakeMicArgs, ROOT } from './browser';
import { openHarnessedBrowser, type HarnessedBrowser } from './harnessedBrowser';
import { padWithSilence, readWav16, writeWav16 } from './wav';

/**
 * A held-out espeak-ng sentence (voices never seen in training) played by Chromium's fake microphone into
 * the real engine with the tiny CTC model the project trains: the setup every spoken browser test shares.
 */

const MODEL = path.join(ROOT, 'test/fixtures/models/tiny-ctc/model.onnx');
const AUDIO = path.join(ROOT, 'test/fixtures/audio');
const HELDOUT = path.join(AUDIO, 'heldout.json');

/** Why a spoken test cannot run here (no Chromium, fixture model or clips not built), or null. */
export const heldOutMicMissing: string | null =
  chromiumMissing ??
  (existsSync(MODEL)
    ? null
    : `${path.relative(ROOT, MODEL)} is not built yet (npm run build:fixture-model)`) ??
  (existsSync(HELDOUT)
    ? null
    : `${path.relative(ROOT, HELDOUT)} is not built yet (npm run build:fixture-model)`);

export interface Clip {
  file: string;
  text: string;
  durationMs: number;
}

export interface HeldOutMic {
  clip: Clip;
  /** Chromium arguments: the fake microphone plays 1 s of silence, the sentence, 1 s of silence, once. */
  chromiumArgs: string[];
}

/**
 * The clip saying `preferred` (else the first one), padded with a second of silence either side so the VAD
 * sees speech start and end, written to a temporary folder that `cleanup` removes.
 */
export async function heldOutMic(cleanup: Cleanup, preferred?: string): Promise<HeldOutMic> {
  const clips = JSON.parse(await readFile(HELDOUT, 'utf8')) as Clip[];
  const clip = clips.find((c) => c.text === preferred) ?? clips[0];
  if (!clip) throw new Error(`${HELDOUT} lists no clips`);
  const wav = await readWav16(path.join(AUDIO, clip.file));
  if (wav.sampleRate !== 16_000 || wav.channels !== 1) {
    throw new Error(`${clip.file} is ${wav.sampleRate} Hz × ${wav.channels}, expected 16 kHz mono`);
  }
  const tmp = cleanup.add(await mkdtemp(path.join(os.tmpdir(), 'swictation-mic-')), (dir) =>
    rm(dir, { recursive: true, force: true }),
  );
  const padded = path.join(tmp, 'utterance.wav');
  await writeWav16(padded, padWithSilence(wav, 1));
  return { clip, chromiumArgs: fakeMicArgs(padded) };
}

/**
 * Chromium with the clip as its microphone and the harness with speech on the CPU: no GPU probe, the path
 * every machine has, and output 'none', since a test must not type into whatever window has focus.
 */
export async function openSpokenBrowser(
  cleanup: Cleanup,
  preferred: string,
): Promise<HarnessedBrowser & { clip: Clip }> {
  const { clip, chromiumArgs } = await heldOutMic(cleanup, preferred);
  const opened = await openHarnessedBrowser(
    cleanup,
    { speech: true, probe: 'none', settings: { speech: { outputMode: 'none' } } },
    chromiumArgs,
  );
  return { ...opened, clip };
}
