/** Model folders → recognizers: family detection, ModelSpecs, and errors that name the file at fault. */
import { copyFile, mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTALL_MANIFEST, hashFile, manifestText } from '../../../electron/engine/models/downloadManifest';
import { loadRecognizer } from '../../../electron/engine/stt/loadRecognizer';
import { NemoCtcRecognizer } from '../../../electron/engine/stt/nemoCtc';
import { NemoTdtRecognizer } from '../../../electron/engine/stt/nemoTdt';
import { buildCtcModel } from './ctcModel';

const TDT = fileURLToPath(new URL('../../fixtures/models/tiny-tdt/', import.meta.url));
const TDT_FILES = ['encoder-model.onnx', 'decoder_joint-model.onnx', 'vocab.txt', 'config.json'];
let root = '';
let n = 0;

async function folder(files: Record<string, string | Uint8Array>): Promise<string> {
  const dir = path.join(root, `m${n++}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return dir;
}

async function tdtCopy(names = TDT_FILES, rename: Record<string, string> = {}): Promise<string> {
  const dir = await folder({});
  for (const name of names) await copyFile(path.join(TDT, name), path.join(dir, rename[name] ?? name));
  return dir;
}

const ctcModel = buildCtcModel({ size: 3 });
const tokens = '▁a 0\n▁b 1\n<blk> 2\n';

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swictation-load-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadRecognizer', () => {
  it('loads a published-style TDT folder (config.json with model_type) as encoder + decoder specs', async () => {
    const r = await loadRecognizer(await tdtCopy());
    expect(r).toBeInstanceOf(NemoTdtRecognizer);
    expect(r.models.map((m) => [m.id, path.basename(m.path ?? ''), m.prefer, m.sizeMiB])).toEqual([
      ['stt-encoder', 'encoder-model.onnx', 'gpu', 1],
      ['stt-decoder', 'decoder_joint-model.onnx', 'cpu', 1],
    ]);
  });

  it('detects a TDT folder without config.json and picks the int8 export when that is all there is', async () => {
    const dir = await tdtCopy(['encoder-model.onnx', 'decoder_joint-model.onnx', 'vocab.txt'], {
      'encoder-model.onnx': 'encoder-model.int8.onnx',
      'decoder_joint-model.onnx': 'decoder_joint-model.int8.onnx',
    });
    const r = await loadRecognizer(dir);
    expect(r.family).toBe('nemo-tdt');
    expect(r.models.map((m) => path.basename(m.path ?? ''))).toEqual([
      'encoder-model.int8.onnx',
      'decoder_joint-model.int8.onnx',
    ]);
  });

  it('prefers fp32 when both exports are there, int8 when asked', async () => {
    const dir = await tdtCopy();
    await copyFile(path.join(dir, 'encoder-model.onnx'), path.join(dir, 'encoder-model.int8.onnx'));
    expect(path.basename((await loadRecognizer(dir)).models[0]?.path ?? '')).toBe('encoder-model.onnx');
    const int8 = await loadRecognizer(dir, { quantization: 'int8' });
    expect(int8.models.map((m) => path.basename(m.path ?? ''))).toEqual([
      'encoder-model.int8.onnx',
      'decoder_joint-model.onnx',
    ]);
  });

  it('counts external weights (<model>.onnx.data) in the size estimate', async () => {
    const dir = await folder({ 'model.onnx': ctcModel, 'tokens.txt': tokens });
    await writeFile(path.join(dir, 'model.onnx.data'), new Uint8Array(3 * 1024 * 1024));
    const r = await loadRecognizer(dir, { idPrefix: 'x' });
    expect(r).toBeInstanceOf(NemoCtcRecognizer);
    expect(r.models[0]).toMatchObject({ id: 'x', role: 'stt', sizeMiB: 3, prefer: 'gpu' });
  });

  it('names what is missing', async () => {
    await expect(loadRecognizer(path.join(root, 'nope'))).rejects.toThrow(
      `model folder ${path.join(root, 'nope')} does not exist`,
    );
    const empty = await folder({ 'readme.md': 'hi' });
    await expect(loadRecognizer(empty)).rejects.toThrow('is not a speech model folder');
    const noTokens = await folder({ 'model.onnx': ctcModel });
    await expect(loadRecognizer(noTokens)).rejects.toThrow(
      `token list ${path.join(noTokens, 'tokens.txt')} is missing`,
    );
    const noDecoder = await tdtCopy(['encoder-model.onnx', 'vocab.txt', 'config.json']);
    await expect(loadRecognizer(noDecoder)).rejects.toThrow(
      `model file ${path.join(noDecoder, 'decoder_joint-model.onnx')} is missing`,
    );
    const ctcConfigNoModel = await folder({ 'config.json': '{"family":"nemo-ctc"}', 'tokens.txt': tokens });
    await expect(loadRecognizer(ctcConfigNoModel)).rejects.toThrow(
      `${path.join(ctcConfigNoModel, 'model.onnx')} is missing`,
    );
  });

  it('names what is corrupt', async () => {
    const empty = await folder({ 'model.onnx': '', 'tokens.txt': tokens });
    await expect(loadRecognizer(empty)).rejects.toThrow(
      `model file ${path.join(empty, 'model.onnx')} is empty`,
    );
    const html = await folder({ 'model.onnx': '<html>Not Found</html>', 'tokens.txt': tokens });
    await expect(loadRecognizer(html)).rejects.toThrow('is not an ONNX model');
    const badConfig = await folder({
      'model.onnx': ctcModel,
      'tokens.txt': tokens,
      'config.json': '{"family": 3',
    });
    await expect(loadRecognizer(badConfig)).rejects.toThrow(
      `${path.join(badConfig, 'config.json')} is not valid JSON`,
    );
    const badTokens = await folder({ 'model.onnx': ctcModel, 'tokens.txt': '▁a 0\n▁b\n' });
    await expect(loadRecognizer(badTokens)).rejects.toThrow(`${path.join(badTokens, 'tokens.txt')} line 2`);
  });

  it('spots a file shorter than its install manifest says (a cut download, a damaged disk)', async () => {
    const dir = await folder({ 'model.onnx': ctcModel, 'tokens.txt': tokens });
    const files = [];
    for (const name of ['model.onnx', 'tokens.txt']) {
      files.push({ name, ...(await hashFile(path.join(dir, name))), checked: 'computed' as const });
    }
    await writeFile(
      path.join(dir, INSTALL_MANIFEST),
      manifestText({
        v: 1,
        id: 'cut',
        family: 'nemo-ctc',
        installedAt: new Date().toISOString(),
        source: 'bundled',
        files,
      }),
    );
    await expect(loadRecognizer(dir)).resolves.toBeInstanceOf(NemoCtcRecognizer);
    await truncate(path.join(dir, 'model.onnx'), 10);
    await expect(loadRecognizer(dir)).rejects.toThrow(
      `model file ${path.join(dir, 'model.onnx')} has 10 bytes, ${ctcModel.byteLength} were installed: it is damaged, reinstall cut`,
    );
  });
});
