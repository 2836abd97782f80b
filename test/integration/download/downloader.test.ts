/**
 * The model downloader against a loopback HTTP server: complete installs, resume after a dropped connection,
 * checksum and HTTP failures that install nothing and keep the previous install, unverified files, space.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogFile } from '../../../electron/engine/models/catalog';
import { readInstallManifest } from '../../../electron/engine/models/downloadManifest';
import {
  downloadModel,
  installBundledModel,
  ModelDownloadError,
  stagingDir,
  type DownloadProgress,
} from '../../../electron/engine/models/downloader';
import { mirrorEntry, mirrorFile, sha256Hex as sha } from '../../fixtures/mirrorCatalog';
import { startLoopbackServer, type LoopbackServer } from './loopbackServer';

const BIG = new Uint8Array(randomBytes(600_000));
const SMALL = new TextEncoder().encode('▁yes 0\n▁no 1\n<blk> 2\n');
const CONFIG = new TextEncoder().encode('{"family":"nemo-ctc"}');

let server: LoopbackServer;
let root = '';
let modelsDir = '';

/** `data` as this suite's server serves it at `urlPath`. */
const file = (name: string, data: Uint8Array, urlPath = `/${name}`): CatalogFile =>
  mirrorFile(server.url(urlPath), data, name);

async function attempt(p: Promise<unknown>): Promise<ModelDownloadError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ModelDownloadError) return error;
    throw error;
  }
  throw new Error('expected the download to fail');
}

async function listing(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

beforeAll(async () => {
  server = await startLoopbackServer();
  root = await mkdtemp(path.join(tmpdir(), 'swictation-dl-'));
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  modelsDir = await mkdtemp(path.join(root, 'models-'));
  server.files.clear();
  server.requests.length = 0;
});
afterEach(() => {
  server.files.clear();
});

describe('downloadModel', () => {
  it('downloads every file (through a redirect), verifies it and installs the folder atomically', async () => {
    server.files.set('/model.onnx', { data: BIG });
    server.files.set('/tokens.txt', { data: SMALL });
    server.files.set('/config.json', { data: CONFIG });
    const e = mirrorEntry('m', [
      file('model.onnx', BIG, '/r/model.onnx'),
      file('tokens.txt', SMALL),
      file('config.json', CONFIG),
    ]);
    const events: DownloadProgress[] = [];
    const manifest = await downloadModel(e, {
      modelsDir,
      onProgress: (p) => events.push(p),
      progressIntervalMs: 0,
    });

    const dir = path.join(modelsDir, 'm');
    expect(await listing(dir)).toEqual(['config.json', 'install.json', 'model.onnx', 'tokens.txt']);
    expect(sha(await readFile(path.join(dir, 'model.onnx')))).toBe(sha(BIG));
    expect(await listing(modelsDir)).toEqual(['m']); // no staging left behind
    expect(manifest.files.map((f) => [f.name, f.bytes, f.checked])).toEqual([
      ['model.onnx', BIG.byteLength, 'catalog'],
      ['tokens.txt', SMALL.byteLength, 'catalog'],
      ['config.json', CONFIG.byteLength, 'catalog'],
    ]);
    expect(await readInstallManifest(dir)).toEqual(manifest);

    const total = BIG.byteLength + SMALL.byteLength + CONFIG.byteLength;
    expect(events.length).toBeGreaterThan(3);
    events.forEach((p, i) => {
      expect(p.total).toBe(total);
      if (i > 0) expect(p.bytes).toBeGreaterThanOrEqual(events[i - 1]?.bytes ?? 0);
    });
    expect(events.at(-1)?.bytes).toBe(total);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/r/model.onnx', 302],
      ['/model.onnx', 200],
      ['/tokens.txt', 200],
      ['/config.json', 200],
    ]);
  });

  it('resumes with a Range request after the connection drops mid-file', async () => {
    server.files.set('/model.onnx', { data: BIG, dropAfter: 200_000 });
    server.files.set('/tokens.txt', { data: SMALL });
    const e = mirrorEntry('m', [file('tokens.txt', SMALL), file('model.onnx', BIG)]);

    const first = await attempt(downloadModel(e, { modelsDir }));
    expect(first.code).toBe('connection');
    expect(first.retryable).toBe(true);
    expect(first.file).toBe('model.onnx');
    expect(await listing(modelsDir)).toEqual(['.partial-m']); // nothing installed
    const partial = (await stat(path.join(stagingDir(modelsDir, 'm'), 'model.onnx.partial'))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(BIG.byteLength);

    const events: DownloadProgress[] = [];
    await downloadModel(e, { modelsDir, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(sha(await readFile(path.join(modelsDir, 'm', 'model.onnx')))).toBe(sha(BIG));
    const resumed = server.requests.filter((r) => r.path === '/model.onnx');
    expect(resumed.map((r) => [r.range, r.status])).toEqual([
      [undefined, 200],
      [`bytes=${partial}-`, 206],
    ]);
    // The finished tokens.txt was not fetched again; the partial bytes were re-hashed, not re-downloaded.
    expect(server.requests.filter((r) => r.path === '/tokens.txt')).toHaveLength(1);
    expect(events.some((p) => p.phase === 'verify' && p.file === 'model.onnx')).toBe(true);
    events.forEach((p, i) => {
      if (i > 0) expect(p.bytes).toBeGreaterThanOrEqual(events[i - 1]?.bytes ?? 0);
    });
    expect(await listing(modelsDir)).toEqual(['m']);
  });

  it('starts a file over when the server ignores the range', async () => {
    server.files.set('/model.onnx', { data: BIG, dropAfter: 100_000, ignoreRange: true });
    const e = mirrorEntry('m', [file('model.onnx', BIG)]);
    expect((await attempt(downloadModel(e, { modelsDir }))).code).toBe('connection');
    await downloadModel(e, { modelsDir });
    expect(sha(await readFile(path.join(modelsDir, 'm', 'model.onnx')))).toBe(sha(BIG));
    expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
  });

  it('a checksum mismatch installs nothing, deletes the bad file and keeps the previous install', async () => {
    server.files.set('/model.onnx', { data: BIG });
    server.files.set('/tokens.txt', { data: SMALL });
    await downloadModel(mirrorEntry('m', [file('model.onnx', BIG), file('tokens.txt', SMALL)]), {
      modelsDir,
    });
    const before = await readInstallManifest(path.join(modelsDir, 'm'));

    const tampered = Uint8Array.from(BIG);
    tampered[1234] = (tampered[1234] ?? 0) ^ 0xff;
    server.files.set('/model-v2.onnx', { data: tampered });
    const update = mirrorEntry('m', [
      { ...file('model-v2.onnx', BIG), name: 'model.onnx' },
      file('tokens.txt', SMALL),
    ]);
    const error = await attempt(downloadModel(update, { modelsDir }));
    expect(error.code).toBe('checksum');
    expect(error.message).toContain(`expected sha256 ${sha(BIG)}, got ${sha(tampered)}`);
    expect(error.message).toContain('nothing was installed');

    expect(await readInstallManifest(path.join(modelsDir, 'm'))).toEqual(before);
    expect(sha(await readFile(path.join(modelsDir, 'm', 'model.onnx')))).toBe(sha(BIG));
    expect(await listing(stagingDir(modelsDir, 'm'))).toEqual([]); // the bad partial is gone
  });

  it('a 404 is reported as not found, installs nothing and keeps the previous install', async () => {
    server.files.set('/tokens.txt', { data: SMALL });
    await downloadModel(mirrorEntry('m', [file('tokens.txt', SMALL)]), { modelsDir });
    const error = await attempt(
      downloadModel(mirrorEntry('m', [file('tokens.txt', SMALL), file('gone.onnx', BIG)]), { modelsDir }),
    );
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('gone.onnx of m was not found (HTTP 404');
    expect(error.retryable).toBe(false);
    expect(await listing(path.join(modelsDir, 'm'))).toEqual(['install.json', 'tokens.txt']);
  });

  it('does not install files an earlier attempt left that the entry no longer lists', async () => {
    server.files.set('/tokens.txt', { data: SMALL });
    await mkdir(stagingDir(modelsDir, 'm'), { recursive: true });
    await writeFile(path.join(stagingDir(modelsDir, 'm'), 'old-model.onnx'), 'stale');
    await downloadModel(mirrorEntry('m', [file('tokens.txt', SMALL)]), { modelsDir });
    expect(await listing(path.join(modelsDir, 'm'))).toEqual(['install.json', 'tokens.txt']);
  });

  it('refuses file names and ids that are not plain names', async () => {
    const bad = { ...file('tokens.txt', SMALL), name: '../escape.txt' };
    await expect(downloadModel(mirrorEntry('m', [bad]), { modelsDir })).rejects.toThrow(
      'is not a plain file name',
    );
    await expect(downloadModel(mirrorEntry('../m', []), { modelsDir })).rejects.toThrow('is not a model id');
  });

  it('refuses more bytes than published', async () => {
    server.files.set('/model.onnx', { data: BIG });
    const short = { ...file('model.onnx', BIG), bytes: 1000 };
    const error = await attempt(downloadModel(mirrorEntry('m', [short]), { modelsDir }));
    expect(error.code).toBe('size');
    expect(error.message).toContain(`the server offers ${BIG.byteLength} bytes, the catalog says 1000`);
    expect(await listing(modelsDir)).toEqual(['.partial-m']);
  });

  it('refuses files without a confirmed checksum unless allowed, and then records the computed one', async () => {
    server.files.set('/tokens.txt', { data: SMALL });
    const unconfirmed: CatalogFile = {
      name: 'tokens.txt',
      url: server.url('/tokens.txt'),
      bytes: null,
      sha256: null,
      unverified: true,
    };
    const error = await attempt(downloadModel(mirrorEntry('u', [unconfirmed]), { modelsDir }));
    expect(error.code).toBe('unverified');
    expect(error.message).toContain('no confirmed checksum for tokens.txt');
    expect(server.requests).toEqual([]); // refused before any download

    const manifest = await downloadModel(mirrorEntry('u', [unconfirmed]), {
      modelsDir,
      allowUnverified: true,
    });
    expect(manifest.files).toEqual([
      { name: 'tokens.txt', bytes: SMALL.byteLength, sha256: sha(SMALL), checked: 'computed' },
    ]);
  });

  it('checks free space before downloading', async () => {
    server.files.set('/model.onnx', { data: BIG });
    const error = await attempt(
      downloadModel(mirrorEntry('m', [file('model.onnx', BIG)]), {
        modelsDir,
        freeBytes: () => Promise.resolve(1000),
      }),
    );
    expect(error.code).toBe('no-space');
    expect(error.message).toMatch(/needs 1 MiB more in .*, only 1 MiB are free/);
    expect(server.requests).toEqual([]);
  });

  it('a refused connection is retryable and keeps nothing installed', async () => {
    const dead = mirrorFile('http://127.0.0.1:1/x.onnx', Uint8Array.of(1, 2, 3));
    const error = await attempt(downloadModel(mirrorEntry('m', [dead]), { modelsDir }));
    expect(error.code).toBe('connection');
    expect(error.message).toContain('x.onnx of m: cannot download');
    expect(await listing(modelsDir)).toEqual(['.partial-m']);
  });

  it('an abort keeps the partial for later', async () => {
    server.files.set('/model.onnx', { data: BIG, dropAfter: 1 });
    const controller = new AbortController();
    controller.abort();
    const error = await attempt(
      downloadModel(mirrorEntry('m', [file('model.onnx', BIG)]), { modelsDir, signal: controller.signal }),
    );
    expect(error.code).toBe('aborted');
  });
});

describe('installBundledModel', () => {
  it('copies a shipped folder, hashes it and installs it with a manifest', async () => {
    const source = path.join(root, 'app', 'fixtures', 'tiny');
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, 'tokens.txt'), SMALL);
    await writeFile(path.join(source, 'config.json'), CONFIG);
    const e = mirrorEntry('tiny', [], { bundledDir: 'fixtures/tiny' });
    const manifest = await installBundledModel(e, { appRoot: path.join(root, 'app'), modelsDir });
    expect(manifest.source).toBe('bundled');
    expect(manifest.files.map((f) => [f.name, f.sha256, f.checked]).sort()).toEqual([
      ['config.json', sha(CONFIG), 'computed'],
      ['tokens.txt', sha(SMALL), 'computed'],
    ]);
    expect(await listing(path.join(modelsDir, 'tiny'))).toEqual([
      'config.json',
      'install.json',
      'tokens.txt',
    ]);
    await expect(downloadModel(e, { modelsDir })).rejects.toThrow('ships with the app');
  });
});
