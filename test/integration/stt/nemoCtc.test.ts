/**
 * The CTC recognizer through real onnxruntime-node sessions (behind ModelHost) on small NeMo-CTC-shaped
 * models built here: the output name ('logprobs' or whatever a single output is called), the encoded length,
 * the blank, and the errors when a model and its token list disagree.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Features } from '../../../electron/engine/audio/features';
import { loadRecognizer } from '../../../electron/engine/stt/loadRecognizer';
import { NemoCtcRecognizer } from '../../../electron/engine/stt/nemoCtc';
import { buildCtcModel, peakedFeatures, type CtcModelOptions } from './ctcModel';
import { hostRunner, type HostRunner } from './hostRunner';

const TOKENS = ['▁yes', '▁no', 's', '<blk>'];
const SIZE = TOKENS.length;
const CONFIG = { family: 'nemo-ctc', preprocessor: { nMels: SIZE, subsampling: 1 } };
let root = '';
const runners: HostRunner[] = [];

async function modelFolder(name: string, model: CtcModelOptions, config: object = CONFIG, tokens = TOKENS) {
  const dir = path.join(root, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await writeFile(path.join(dir, 'model.onnx'), buildCtcModel(model));
  await writeFile(path.join(dir, 'tokens.txt'), tokens.map((t, i) => `${t} ${i}`).join('\n') + '\n');
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

async function load(dir: string): Promise<{ r: NemoCtcRecognizer; runner: HostRunner }> {
  const r = await loadRecognizer(dir, { idPrefix: path.basename(dir) });
  if (!(r instanceof NemoCtcRecognizer)) throw new Error('not a CTC recognizer');
  const runner = await hostRunner(r.models);
  runners.push(runner);
  return { r, runner };
}

const feats = (best: number[]): Features => ({
  data: peakedFeatures(best, SIZE),
  nMels: SIZE,
  frames: best.length,
});

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swictation-ctc-'));
});
afterAll(async () => {
  for (const r of runners) await r.release();
  await rm(root, { recursive: true, force: true });
});

describe('NemoCtcRecognizer with onnxruntime-node', () => {
  it('greedy-decodes the logprobs output: repeats collapse, blanks separate, text is joined', async () => {
    const { r, runner } = await load(await modelFolder('plain', { size: SIZE }));
    expect(r.models).toEqual([expect.objectContaining({ id: 'plain', role: 'stt', prefer: 'gpu' })]);
    expect(r.blankId).toBe(3);
    const out = await r.decodeFeatures(feats([3, 0, 0, 3, 1, 1, 2, 3, 0, 3, 0]), runner.run);
    expect(out.ids).toEqual([0, 1, 2, 0, 0]);
    expect(out.text).toBe('yes nos yes yes');
    expect([out.device, out.ep, out.retriedOnCpu]).toEqual(['cpu', 'cpu', false]);
  });

  it('accepts a differently named single output', async () => {
    const { r, runner } = await load(await modelFolder('renamed', { size: SIZE, outputName: 'output' }));
    expect((await r.decodeFeatures(feats([1, 2]), runner.run)).text).toBe('nos');
  });

  it('decodes only the encoded length the model reports', async () => {
    const { r, runner } = await load(await modelFolder('lengths', { size: SIZE, encodedLengthsMinus: 2 }));
    expect((await r.decodeFeatures(feats([0, 3, 1, 3, 2, 2]), runner.run)).ids).toEqual([0, 1]);
  });

  it('without a reported length, uses (frames − 1) / subsampling + 1 as onnx-asr does', async () => {
    const dir = await modelFolder(
      'formula',
      { size: SIZE },
      { ...CONFIG, preprocessor: { nMels: SIZE, subsampling: 2 } },
    );
    const { r, runner } = await load(dir);
    // 6 frames → (6 − 1) / 2 + 1 = 3 counted; this model does not subsample, so frames 3.. are cut.
    expect((await r.decodeFeatures(feats([0, 3, 1, 2, 2, 2]), runner.run)).ids).toEqual([0, 1]);
  });

  it('recognize() computes features with the model config (injected here) and decodes them', async () => {
    const dir = await modelFolder('audio', { size: SIZE });
    const r = await loadRecognizer(dir, {
      idPrefix: 'audio',
      features: (audio, cfg) => {
        expect(cfg?.nMels).toBe(SIZE);
        return feats(Array.from(audio, (v) => Math.round(v)));
      },
    });
    const runner = await hostRunner(r.models);
    runners.push(runner);
    expect((await r.recognize(Float32Array.of(1, 1, 3, 0, 2), runner.run)).text).toBe('no yess');
  });

  it('says so when the model scores more tokens than the list has', async () => {
    const dir = await modelFolder('mismatch', { size: SIZE }, CONFIG, TOKENS.slice(1));
    const { r, runner } = await load(dir);
    await expect(r.decodeFeatures(feats([0]), runner.run)).rejects.toThrow(
      'model mismatch scores 4 tokens per frame but its token list has 3',
    );
  });

  it('rejects features of the wrong size before running', async () => {
    const { r, runner } = await load(await modelFolder('size', { size: SIZE }));
    await expect(
      r.decodeFeatures({ data: new Float32Array(8), nMels: 8, frames: 1 }, runner.run),
    ).rejects.toThrow('takes 4 mel bins, got 8');
  });
});
