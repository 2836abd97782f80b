/**
 * Choosing and downloading a speech model over the contract, against the real engine process and a loopback
 * "mirror" that serves the fixture model under another id (`--catalog`): list, pull (interrupted, then
 * resumed), switch dictation to it through settings, transcribe with it, and keep it across a restart.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../shared/engineEvents';
import { startFixtureMirror } from '../../fixtures/mirrorCatalog';
import type { LoopbackServer } from '../download/loopbackServer';
import { dictateWav } from './dictateWav';
import { forkEngine, type ForkedEngine } from './forkEngine';

const audioDir = fileURLToPath(new URL('../../fixtures/audio/', import.meta.url));
const MIRROR_ID = 'tiny-ctc-mirror';
/** Where the mirror serves the model's weights (startFixtureMirror serves each model under its id). */
const MIRRORED_ONNX = `/${MIRROR_ID}/model.onnx`;

let engine: ForkedEngine | null = null;
let server: LoopbackServer | null = null;
let home = '';
afterEach(async () => {
  await engine?.stop();
  await server?.close();
  engine = null;
  server = null;
  if (home) await rm(home, { recursive: true, force: true });
});

async function mirror(): Promise<{ catalog: string; scenario: string }> {
  const started = await startFixtureMirror(
    [
      {
        id: MIRROR_ID,
        details: { title: 'The fixture model, from a mirror' },
        // The model file breaks off mid-way on its first request: the first pull fails, the second resumes.
        model: { dropAfter: 600_000 },
      },
    ],
    join(home, 'mirror-catalog.json'),
  );
  server = started.server;
  const scenario = join(home, 'scenario.json');
  await writeFile(scenario, JSON.stringify({ models: [], settings: { intervalMs: 100 } }));
  return { catalog: started.catalog, scenario };
}

const downloads = (e: ForkedEngine, state: string) =>
  e.events.filter(
    (x): x is Extract<EngineEvent, { type: 'download' }> => x.type === 'download' && x.state === state,
  );

async function dictate(e: ForkedEngine, file: string): Promise<string> {
  return (await dictateWav(e, join(audioDir, file)))?.text ?? '(no transcript)';
}

describe('choosing and downloading a speech model through the engine', () => {
  it('lists, pulls (resuming after a dropped connection), switches to it, transcribes, and keeps it', async () => {
    home = await mkdtemp(join(tmpdir(), 'swictation-models-'));
    await writeFile(join(home, 'settings.json'), JSON.stringify({ speech: { outputMode: 'none' } }));
    const { catalog, scenario } = await mirror();
    engine = forkEngine(['--scenario', scenario, '--catalog', catalog], home);
    await engine.waitFor((e) => e.type === 'speech');

    const before = await engine.client.call('models.list');
    expect(before.active).toEqual({ id: 'tiny-ctc', source: 'fixture' });
    expect(before.speechProblem).toBeNull();
    expect(before.models.find((m) => m.id === MIRROR_ID)).toMatchObject({ installed: false, bundled: false });
    expect(before.models.find((m) => m.id === 'tiny-ctc')).toMatchObject({ installed: true, bundled: true });

    // First pull: the connection drops inside model.onnx → failed, retryable, nothing installed.
    expect(await engine.client.call('models.pull', { id: MIRROR_ID })).toEqual({
      id: MIRROR_ID,
      state: 'started',
    });
    const failed = await engine.waitFor(
      (e) => e.type === 'download' && e.state !== 'progress' && e.state !== 'started',
    );
    expect(failed).toMatchObject({ state: 'failed', retryable: true, file: 'model.onnx' });
    expect((await engine.client.call('models.list')).models.find((m) => m.id === MIRROR_ID)?.installed).toBe(
      false,
    );

    // Second pull resumes with a Range request and installs.
    await engine.client.call('models.pull', { id: MIRROR_ID });
    await engine.waitFor((e) => e.type === 'download' && e.state === 'done');
    expect(server?.requests.some((r) => r.path === MIRRORED_ONNX && r.status === 206)).toBe(true);
    const progress = downloads(engine, 'progress').map((p) => p.bytes);
    expect(progress.length).toBeGreaterThan(1);
    const done = downloads(engine, 'done')[0];
    expect(done?.bytes).toBe(done?.total);
    expect((await engine.client.call('models.list')).models.find((m) => m.id === MIRROR_ID)).toMatchObject({
      installed: true,
      downloading: false,
      problem: null,
    });

    // Switching dictation to it through the settings: the engine swaps the model without a restart.
    const settings = await engine.client.call('settings.get');
    await engine.client.call('settings.set', {
      settings: { ...settings, speech: { ...settings.speech, model: MIRROR_ID } },
    });
    expect((await engine.client.call('models.list')).active).toEqual({ id: MIRROR_ID, source: 'installed' });
    await engine.waitFor((e) => e.type === 'speech' && e.model?.id === MIRROR_ID);
    expect(await dictate(engine, 'heldout-1.wav')).toBe('check memory status');
    expect((await engine.client.call('status')).models.map((m) => m.id)).toEqual(['stt']);

    // A model that is not there is refused, naming the field; the working one stays.
    const bad = { ...settings, speech: { ...settings.speech, model: 'no-such-model' } };
    await expect(engine.client.call('settings.set', { settings: bad })).rejects.toThrow(
      /speech\.model: no model "no-such-model"/,
    );
    expect((await engine.client.call('settings.get')).speech.model).toBe(MIRROR_ID);
    const onDisk = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as {
      speech: { model: string };
    };
    expect(onDisk.speech.model).toBe(MIRROR_ID);

    // After a restart the chosen model is the one loaded.
    await engine.stop();
    engine = forkEngine(['--scenario', scenario, '--catalog', catalog], home);
    const speech = await engine.waitFor((e) => e.type === 'speech');
    expect(speech).toMatchObject({ model: { id: MIRROR_ID } });
  });

  it('refuses pulls it cannot do, with the reason', async () => {
    home = await mkdtemp(join(tmpdir(), 'swictation-models-'));
    const { catalog, scenario } = await mirror();
    engine = forkEngine(['--scenario', scenario, '--catalog', catalog, '--speech', 'off'], home);
    await engine.waitFor((e) => e.type === 'report');
    await expect(engine.client.call('models.pull', { id: 'nope' })).rejects.toThrow(
      /no model "nope" in the catalog/,
    );
    await expect(engine.client.call('models.pull', { id: '../etc' })).rejects.toThrow(
      /id must be a model id/,
    );
    await expect(engine.client.call('models.pull', { id: 'parakeet-ctc-0.6b' })).rejects.toThrow(
      /no confirmed checksum .* allowing unverified files/,
    );
    expect(await engine.client.call('models.pull', { id: 'tiny-ctc' })).toEqual({
      id: 'tiny-ctc',
      state: 'installed',
    });
    expect(await engine.client.call('models.cancel', { id: MIRROR_ID })).toEqual({ cancelled: false });
    const listing = await engine.client.call('models.list');
    expect(listing.active).toBeNull();
    expect(listing.speechProblem).toBe('speech is not enabled in this engine');
  });
});
