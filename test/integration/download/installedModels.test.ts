/** Listing installed models and re-verifying them: corrupted, truncated and missing files are caught. */
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installBundledModel } from '../../../electron/engine/models/downloader';
import {
  listInstalledModels,
  removeInstalledModel,
  verifyInstalledModel,
} from '../../../electron/engine/models/installedModels';
import { mirrorEntry, sha256Hex } from '../../fixtures/mirrorCatalog';

const MODEL = new Uint8Array(200_000).map((_, i) => (i * 7919) % 251);
const TOKENS = new TextEncoder().encode('▁a 0\n<blk> 1\n');

let root = '';
let modelsDir = '';
const appRoot = (): string => path.join(root, 'app');

async function install(id: string): Promise<string> {
  const e = mirrorEntry(id, [], { bundledDir: 'bundle' });
  await installBundledModel(e, { appRoot: appRoot(), modelsDir });
  return path.join(modelsDir, id);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swictation-installed-'));
  await mkdir(path.join(appRoot(), 'bundle'), { recursive: true });
  await writeFile(path.join(appRoot(), 'bundle', 'model.onnx'), MODEL);
  await writeFile(path.join(appRoot(), 'bundle', 'tokens.txt'), TOKENS);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  modelsDir = await mkdtemp(path.join(root, 'models-'));
});

describe('listInstalledModels', () => {
  it('lists managed and unmanaged model folders, skipping the downloader’s dot-folders', async () => {
    await install('tiny-ctc');
    await mkdir(path.join(modelsDir, 'my-own'));
    await writeFile(path.join(modelsDir, 'my-own', 'model.onnx'), new Uint8Array(10));
    await mkdir(path.join(modelsDir, '.partial-x'));
    await writeFile(path.join(modelsDir, 'stray.txt'), 'x');
    const list = await listInstalledModels(modelsDir);
    expect(list.map((m) => [m.id, m.manifest?.source ?? null, m.bytes, m.catalog?.id ?? null])).toEqual([
      ['my-own', null, 10, null],
      ['tiny-ctc', 'bundled', MODEL.byteLength + TOKENS.byteLength, 'tiny-ctc'],
    ]);
  });

  it('is empty when the folder does not exist, and reports a damaged manifest', async () => {
    expect(await listInstalledModels(path.join(root, 'absent'))).toEqual([]);
    const dir = await install('m');
    await writeFile(path.join(dir, 'install.json'), '{ nope');
    const [m] = await listInstalledModels(modelsDir);
    expect(m?.manifest).toBeNull();
    expect(m?.problem).toContain('install.json is not valid JSON');
  });
});

describe('verifyInstalledModel', () => {
  it('passes an intact install', async () => {
    const seen: string[] = [];
    const r = await verifyInstalledModel(await install('m'), (f) => seen.push(f));
    expect(r).toEqual({ id: 'm', verifiable: true, ok: true, problems: [] });
    expect(new Set(seen)).toEqual(new Set(['model.onnx', 'tokens.txt']));
  });

  it('catches a corrupted file (same size, one byte flipped)', async () => {
    const dir = await install('m');
    const handle = await open(path.join(dir, 'model.onnx'), 'r+');
    await handle.write(Uint8Array.of(((MODEL[5000] ?? 0) ^ 0x01) & 0xff), 0, 1, 5000);
    await handle.close();
    const r = await verifyInstalledModel(dir);
    expect(r.ok).toBe(false);
    const flipped = Uint8Array.from(MODEL);
    flipped[5000] = ((MODEL[5000] ?? 0) ^ 0x01) & 0xff;
    expect(r.problems).toEqual([
      { file: 'model.onnx', kind: 'checksum', expected: sha256Hex(MODEL), actual: sha256Hex(flipped) },
    ]);
  });

  it('catches a truncated file and a missing one', async () => {
    const dir = await install('m');
    await truncate(path.join(dir, 'model.onnx'), 1234);
    await rm(path.join(dir, 'tokens.txt'));
    const r = await verifyInstalledModel(dir);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      { file: 'model.onnx', kind: 'size', expected: `${MODEL.byteLength} bytes`, actual: '1234 bytes' },
      { file: 'tokens.txt', kind: 'missing', expected: `${TOKENS.byteLength} bytes`, actual: 'no file' },
    ]);
  });

  it('cannot verify a folder the app did not install', async () => {
    const dir = path.join(modelsDir, 'mine');
    await mkdir(dir);
    expect(await verifyInstalledModel(dir)).toEqual({
      id: 'mine',
      verifiable: false,
      ok: false,
      problems: [],
    });
  });
});

describe('removeInstalledModel', () => {
  it('removes a model folder and refuses paths that are not ids', async () => {
    await install('m');
    await removeInstalledModel(modelsDir, 'm');
    expect(await listInstalledModels(modelsDir)).toEqual([]);
    await expect(removeInstalledModel(modelsDir, '../etc')).rejects.toThrow('not a model id');
    await expect(removeInstalledModel(modelsDir, '.partial-m')).rejects.toThrow('not a model id');
  });
});
