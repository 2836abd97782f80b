/**
 * The TDT recognizer against the tiny fixture exported with Parakeet TDT's exact tensor names and shapes
 * (build/fixtures/tdt/make_tiny_tdt.py): real onnxruntime-node sessions behind a real ModelHost must decode
 * the fixed features into exactly the ids PyTorch's greedy TDT decoded. The fixture's path covers blanks,
 * several tokens on one frame, the per-frame cap and multi-frame skips, and the generator checked that
 * updating states on blanks, ignoring durations or dropping the cap each give different ids.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureFrames } from '../../../electron/engine/audio/features';
import { loadRecognizer } from '../../../electron/engine/stt/loadRecognizer';
import { NemoTdtRecognizer } from '../../../electron/engine/stt/nemoTdt';
import { hostRunner, type HostRunner } from './hostRunner';

const DIR = fileURLToPath(new URL('../../fixtures/models/tiny-tdt/', import.meta.url));

interface Reference {
  nMels: number;
  frames: number;
  ids: number[];
  text: string;
  coverage: { decoderCalls: number; capHits: number; skipsOver1: number; emittedWithDuration0: number };
  wrongVariants: Record<string, number[]>;
}

let recognizer: NemoTdtRecognizer;
let runner: HostRunner;
let reference: Reference;
let features: Float32Array;

beforeAll(async () => {
  reference = JSON.parse(await readFile(`${DIR}reference.json`, 'utf8')) as Reference;
  const raw = await readFile(`${DIR}features.f32`);
  features = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const loaded = await loadRecognizer(DIR, { idPrefix: 'tdt' });
  if (!(loaded instanceof NemoTdtRecognizer)) throw new Error('tiny-tdt did not load as a TDT model');
  recognizer = loaded;
  runner = await hostRunner(recognizer.models);
});
afterAll(async () => {
  await runner.release();
});

describe('NemoTdtRecognizer on the tiny Parakeet-shaped fixture', () => {
  it('loads as two models: the encoder prefers the GPU, the per-step decoder-joint the CPU', () => {
    expect(recognizer.family).toBe('nemo-tdt');
    expect(recognizer.models.map((m) => [m.id, m.role, m.prefer])).toEqual([
      ['tdt-encoder', 'stt', 'gpu'],
      ['tdt-decoder', 'stt', 'cpu'],
    ]);
    expect(recognizer.blankId).toBe(11);
  });

  it('decodes the fixed features into exactly the ids PyTorch decoded', async () => {
    expect(features.length).toBe(reference.nMels * reference.frames);
    runner.calls.length = 0;
    const r = await recognizer.decodeFeatures(
      { data: features, nMels: reference.nMels, frames: reference.frames },
      runner.run,
    );
    expect(r.ids).toEqual(reference.ids);
    expect(r.text).toBe(reference.text);
    expect(r.device).toBe('cpu');
    expect(r.ep).toBe('cpu');
    expect(r.retriedOnCpu).toBe(false);
    // One encoder run, then one decoder-joint run per decoding step, as in the reference trace.
    expect(runner.calls.filter((c) => c === 'tdt-encoder')).toHaveLength(1);
    expect(runner.calls.filter((c) => c === 'tdt-decoder')).toHaveLength(reference.coverage.decoderCalls);
  });

  it('is a fixture that tells right from wrong decoding', () => {
    expect(reference.coverage.capHits).toBeGreaterThan(0);
    expect(reference.coverage.skipsOver1).toBeGreaterThan(0);
    expect(reference.coverage.emittedWithDuration0).toBeGreaterThan(0);
    for (const wrong of Object.values(reference.wrongVariants)) expect(wrong).not.toEqual(reference.ids);
  });

  it('recognizes raw audio through the NeMo log-mel features (128 bins)', async () => {
    const audio = Float32Array.from(
      { length: 16_000 },
      (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16_000),
    );
    const r = await recognizer.recognize(audio, runner.run);
    expect(typeof r.text).toBe('string');
    expect(r.device).toBe('cpu');
    // Same path as decodeFeatures on the same features: deterministic.
    const again = await recognizer.recognize(audio, runner.run);
    expect(again.text).toBe(r.text);
    expect(featureFrames(audio.length)).toBe(101);
  });
});

describe('NemoTdtRecognizer with a wrong state shape', () => {
  it('says which config.json keys set it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swictation-tdt-'));
    try {
      await cp(DIR, dir, { recursive: true });
      const config = JSON.parse(await readFile(`${DIR}config.json`, 'utf8')) as Record<string, unknown>;
      await writeFile(path.join(dir, 'config.json'), JSON.stringify({ ...config, pred_hidden: 640 }));
      const r = await loadRecognizer(dir, { idPrefix: 'bad' });
      const host = await hostRunner(r.models);
      try {
        await expect(r.recognize(new Float32Array(1600), host.run)).rejects.toThrow(
          /input_states.*\(the prediction-network state was \[2, 1, 640\]: set pred_rnn_layers and pred_hidden/s,
        );
      } finally {
        await host.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
