/**
 * Faults: a hostile data folder or server during a model download. Links planted under models/ are never
 * followed (the files outside stay byte for byte), a body of unknown size stops at the ceiling and its
 * partial file goes, a trickle or a slow server ends by the minimum rate or the deadline, a resume that
 * does not start where asked and an https → http redirect are refused, a full disk leaves no partial file,
 * and an install torn between its two renames is put back at the next start.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../electron/engine/models/catalog';
import { redirectTarget } from '../../electron/engine/models/downloadHttp';
import {
  downloadModel,
  installBundledModel,
  ModelDownloadError,
  stagingDir,
  type DownloadOptions,
} from '../../electron/engine/models/downloader';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import { mirrorEntry, mirrorFile, readFixtureModel } from '../fixtures/mirrorCatalog';
import { failures, Scratch, speechMissing } from './support';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const scratch = new Scratch();
const routes = new Map<string, Handler>();
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
afterEach(async () => {
  routes.clear();
  await scratch.release();
});

/** The fixture model served whole from `/<name>`; its entry lists the files with size and checksum. */
function servedFixture(id: string): CatalogEntry {
  const files = readFixtureModel();
  for (const f of files) routes.set(`/${id}/${f.name}`, (_req, res) => res.end(f.data));
  return mirrorEntry(
    id,
    files.map((f) => mirrorFile(`${base}/${id}/${f.name}`, f.data)),
  );
}

/** One file of unknown size and checksum (as parakeet-ctc-0.6b's are), sent by `handler`. */
function unknownSizeEntry(id: string, handler: Handler): CatalogEntry {
  routes.set(`/${id}/model.onnx`, handler);
  return mirrorEntry(id, [
    { name: 'model.onnx', url: `${base}/${id}/model.onnx`, bytes: null, sha256: null, unverified: true },
  ]);
}

async function failureOf(entry: CatalogEntry, opts: DownloadOptions): Promise<ModelDownloadError> {
  const error = await downloadModel(entry, opts).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelDownloadError))
    throw new Error(`expected a download error, got ${String(error)}`);
  return error;
}

async function outsideFolder(home: string): Promise<{ dir: string; secret: string }> {
  const dir = join(home, 'outside');
  await mkdir(dir);
  const secret = join(dir, 'precious.txt');
  await writeFile(secret, 'do not touch');
  return { dir, secret };
}

describe('links planted under models/', () => {
  it('.partial-<id> linked to an outside folder: nothing there is deleted or written; the model installs', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    await mkdir(modelsDir);
    const outside = await outsideFolder(home);
    await symlink(outside.dir, stagingDir(modelsDir, 'mine'));
    const manifest = await downloadModel(servedFixture('mine'), { modelsDir });
    expect(manifest.files.map((f) => f.name).sort()).toEqual(['config.json', 'model.onnx', 'tokens.txt']);
    expect(await readdir(outside.dir)).toEqual(['precious.txt']);
    expect(await readFile(outside.secret, 'utf8')).toBe('do not touch');
    expect((await stat(join(modelsDir, 'mine', 'model.onnx'))).isFile()).toBe(true);
  });

  it('.partial-<id>/model.onnx.partial linked to an outside file: not appended to; the model installs', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    const outside = await outsideFolder(home);
    await mkdir(stagingDir(modelsDir, 'mine'), { recursive: true });
    await symlink(outside.secret, join(stagingDir(modelsDir, 'mine'), 'model.onnx.partial'));
    await downloadModel(servedFixture('mine'), { modelsDir });
    expect(await readFile(outside.secret, 'utf8')).toBe('do not touch');
    expect(await readdir(join(modelsDir, 'mine'))).toContain('model.onnx');
  });
});

describe('bodies that do not end', () => {
  it('an endless body of unknown size stops at the ceiling and its partial file is removed', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    const endless = unknownSizeEntry('endless', (_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const error = await failureOf(endless, { modelsDir, allowUnverified: true, unknownSizeLimit: 1 << 20 });
    expect(error.code).toBe('size');
    expect(error.message).toMatch(/has no published size and passed the ceiling of 1048576 bytes/);
    expect(await readdir(stagingDir(modelsDir, 'endless'))).toEqual([]);
    // The ceiling never passes the free space less a margin.
    const tight = await failureOf(endless, {
      modelsDir,
      allowUnverified: true,
      freeBytes: () => Promise.resolve(256 * 1024 ** 2 + 100_000),
    });
    expect(tight.message).toMatch(/passed the ceiling of 100000 bytes/);
  });

  it('a trickle fails by the minimum rate, and a slow server by the deadline; the partial is kept to resume', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    const trickle = unknownSizeEntry('trickle', (_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const slow = await failureOf(trickle, {
      modelsDir,
      allowUnverified: true,
      minBytesPerSecond: 1000,
      rateWindowMs: 500,
    });
    expect(slow.code).toBe('connection');
    expect(slow.message).toMatch(/too slow: \d+ bytes\/s over the last 1 s \(at least 1000 needed\)/);
    const late = await failureOf(trickle, { modelsDir, allowUnverified: true, deadlineMs: 300 });
    expect(late.message).toMatch(/did not finish within its deadline/);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await readdir(stagingDir(modelsDir, 'trickle'))).toEqual(['model.onnx.partial']);
  });
});

describe('answers that do not fit the request', () => {
  it('a 206 that starts past the resume offset is refused; the partial stays as it was', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    const entry = servedFixture('mine');
    const model = readFixtureModel(['model.onnx'])[0]?.data ?? new Uint8Array();
    routes.set('/mine/model.onnx', (_req, res) => {
      const from = 5000;
      res.writeHead(206, { 'content-range': `bytes ${from}-${model.byteLength - 1}/${model.byteLength}` });
      res.end(model.subarray(from));
    });
    const partial = join(stagingDir(modelsDir, 'mine'), 'model.onnx.partial');
    await mkdir(stagingDir(modelsDir, 'mine'), { recursive: true });
    await writeFile(partial, model.subarray(0, 100));
    const error = await failureOf(entry, { modelsDir });
    expect(error.code).toBe('http');
    expect(error.message).toMatch(/asked for the file from byte 100, the server answered from byte 5000/);
    expect((await stat(partial)).size).toBe(100);
  });

  it('a redirect from https to plain http is refused; https to https and http to https are followed', () => {
    expect(() => redirectTarget('https://huggingface.co/a', 'http://cdn.example/a')).toThrow(
      /refused a redirect from https to plain http/,
    );
    expect(redirectTarget('https://huggingface.co/a', '/b')).toBe('https://huggingface.co/b');
    expect(redirectTarget('http://mirror.lan/a', 'https://cdn.example/a')).toBe('https://cdn.example/a');
  });
});

describe('a full disk while downloading', () => {
  it('the partial file is removed after ENOSPC and the error says the disk is full', async () => {
    const home = await scratch.home();
    const modelsDir = join(home, 'models');
    await mkdir(modelsDir);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', modelsDir], { stdio: 'pipe' });
    } catch (error) {
      console.warn(`full-disk download case skipped: cannot mount a tmpfs (${String(error)})`);
      return;
    }
    scratch.later(() => Promise.resolve(execFileSync('umount', ['-l', modelsDir], { stdio: 'pipe' })));
    const big = Buffer.alloc(1024 * 1024, 7);
    routes.set('/big/model.onnx', (_req, res) => res.end(big));
    const entry = mirrorEntry('big', [mirrorFile(`${base}/big/model.onnx`, big)]);
    // The free space is not known up front (as on some network file systems): the write meets ENOSPC.
    const error = await failureOf(entry, { modelsDir, freeBytes: () => Promise.resolve(null) });
    expect(error.code).toBe('no-space');
    expect(error.message).toMatch(/no space left in .*while writing model\.onnx/);
    expect(await readdir(stagingDir(modelsDir, 'big'))).toEqual([]);
  });
});

describe.skipIf(speechMissing !== null)('a re-install killed between its two renames', () => {
  it('the old install is put back at the next start, said in the log, and is the speech model again', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none', model: 'mine' } });
    const modelsDir = join(home, 'models');
    const entry = mirrorEntry('mine', []);
    await installBundledModel({ ...entry, bundledDir: FIXTURE_MODEL_DIR }, { appRoot: '/', modelsDir });
    // The state swapIn leaves when killed after its first rename: no models/mine, the install aside.
    const aside = join(modelsDir, '.old-mine-4194401-1700000000000');
    await rename(join(modelsDir, 'mine'), aside);
    await mkdir(stagingDir(modelsDir, 'other'));

    const engine = scratch.engine(['--probe', 'none'], home);
    await engine.waitFor((e) => e.type === 'report');
    const listing = await engine.client.call('models.list');
    expect(listing.active?.id).toBe('mine');
    expect(listing.speechProblem).toBeNull();
    expect((await readdir(modelsDir)).sort()).toEqual(['mine']);
    const notes = failures(engine)
      .filter((f) => f.during === 'checking model installs')
      .map((f) => f.message);
    expect(notes).toEqual([
      `restored mine from ${aside}: a re-install was interrupted between its two renames`,
      `removed the empty ${stagingDir(modelsDir, 'other')}`,
    ]);
  });
});
