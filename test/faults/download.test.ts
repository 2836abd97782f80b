/**
 * Fault: a model download interrupted mid-file (the connection dropped), over a loopback HTTP server that
 * serves the real speech model. The error names the file and says a retry resumes; the model already
 * installed stays installed and the real engine dictates with it; the bytes already fetched are kept, and
 * the next attempt resumes with a Range request and installs a model that transcribes correctly.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readInstallManifest } from '../../electron/engine/models/downloadManifest';
import {
  downloadModel,
  installBundledModel,
  ModelDownloadError,
  stagingDir,
} from '../../electron/engine/models/downloader';
import { createHostedSessionFactory } from '../../electron/engine/models/sessionHost';
import { loadRecognizer } from '../../electron/engine/stt/loadRecognizer';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import { mirrorEntry, mirrorFile, readFixtureModel, sha256Hex as sha } from '../fixtures/mirrorCatalog';
import { startLoopbackServer, type LoopbackServer } from '../integration/download/loopbackServer';
import { clip, clipAudio, concat, pushAudio, Scratch, silence, speechMissing } from './support';

const FILES = ['model.onnx', 'tokens.txt', 'config.json'];

const scratch = new Scratch();
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer();
});
afterAll(() => server.close());
afterEach(() => scratch.release());

/** Transcribe a held-out clip with the model in `dir`, on onnxruntime's CPU provider. */
async function transcribeWith(dir: string): Promise<string> {
  const recognizer = await loadRecognizer(dir);
  const factory = createHostedSessionFactory({ gpuEp: null });
  const sessions = new Map(
    await Promise.all(recognizer.models.map(async (m) => [m.id, await factory.create(m, 'cpu')] as const)),
  );
  try {
    const result = await recognizer.recognize(
      await clipAudio(clip('check memory status')),
      async (id, feeds) => {
        const session = sessions.get(id);
        if (!session) throw new Error(`no session for ${id}`);
        return { outputs: await session.run(feeds), device: 'cpu', ep: 'cpu', retriedOnCpu: false };
      },
    );
    return result.text;
  } finally {
    for (const s of sessions.values()) await s.release();
  }
}

describe.skipIf(speechMissing !== null)('a model download interrupted', () => {
  it('reports the dropped file, keeps the installed model working and the partial bytes, then resumes', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none', model: 'mine' } });
    const modelsDir = join(home, 'models');
    const files = readFixtureModel(FILES);
    // An update from the "CDN", of the same model as the version already installed (copied from the app).
    const update = mirrorEntry(
      'mine',
      files.map((f) => mirrorFile(server.url(`/${f.name}`), f.data)),
    );
    const previous = await installBundledModel(
      { ...update, bundledDir: FIXTURE_MODEL_DIR },
      { appRoot: '/', modelsDir },
    );
    const model = files[0]?.data ?? new Uint8Array();
    const dropAt = Math.floor(model.byteLength / 2);
    for (const f of files)
      server.files.set(`/${f.name}`, {
        data: f.data,
        ...(f.name === 'model.onnx' ? { dropAfter: dropAt } : {}),
      });

    const error = await downloadModel(update, { modelsDir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelDownloadError);
    if (!(error instanceof ModelDownloadError)) return;
    expect(error).toMatchObject({ code: 'connection', file: 'model.onnx', retryable: true });
    expect(error.message).toMatch(
      /^model\.onnx of mine: the connection (dropped|ended) after \d+ (bytes|of \d+ bytes).*try again to resume/,
    );

    // Nothing lost: the installed model is the one from before, whole, and it still transcribes.
    const installed = join(modelsDir, 'mine');
    expect(await readInstallManifest(installed)).toEqual(previous);
    expect(sha(await readFile(join(installed, 'model.onnx')))).toBe(sha(model));
    expect(await transcribeWith(installed)).toBe('check memory status');
    const partial = (await stat(join(stagingDir(modelsDir, 'mine'), 'model.onnx.partial'))).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(model.byteLength);

    // The app keeps working meanwhile: the engine loads the installed model beside the partial download.
    const engine = scratch.engine(['--probe', 'none'], home);
    await engine.waitFor((e) => e.type === 'report');
    await engine.client.call('dictation.start', { source: 'push' });
    await pushAudio(engine, concat(await clipAudio(clip('hello world')), silence(1000)));
    expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
    expect((await engine.client.call('history.list', { limit: 1 })).entries[0]?.text).toBe('hello world');
    await engine.stop();

    // Retried: resumes where it stopped, verifies, installs the update atomically.
    const next = await downloadModel(update, { modelsDir });
    expect(next.source).not.toBe(previous.source);
    const model2 = server.requests.filter((r) => r.path === '/model.onnx').map((r) => [r.range, r.status]);
    expect(model2).toEqual([
      [undefined, 200],
      [`bytes=${partial}-`, 206],
    ]);
    expect(await readdir(modelsDir)).toEqual(['mine']);
    expect(await transcribeWith(installed)).toBe('check memory status');
  });
});
