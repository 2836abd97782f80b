/**
 * Least privilege for windows: a window's engine port may not name file paths, may not install an
 * unverified model without main's consent, and one window has at most one live port. Driven against the
 * real engine process; window ports are attached the way main attaches them (`attach-port`), over
 * child_process IPC where the window's messages travel wrapped (electron/engine/rpc/processPort.ts).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineClient } from '../../shared/engineClient';
import type { Port } from '../../shared/port';
import type { ForkedEngine } from '../integration/engine/forkEngine';
import { failures, makeFifo, Scratch, speechMissing } from './support';

const scratch = new Scratch();
afterEach(() => scratch.release());

interface Wrapped {
  kind?: unknown;
  client?: unknown;
  message?: unknown;
}

/** What the test process received from the engine, wrapped for `client`. */
function fromEngine(engine: ForkedEngine, client: string, kind: string) {
  const seen: unknown[] = [];
  engine.child.on('message', (raw: Wrapped) => {
    if (raw.kind === kind && raw.client === client) seen.push(raw.message);
  });
  return seen;
}

/** Attach a window port named `client` to the engine and return a contract client over it. */
function attachWindow(engine: ForkedEngine, client: string): EngineClient {
  engine.child.send({ kind: 'attach-port', client });
  const port: Port = {
    post: (message) => engine.child.send({ kind: 'port-message', client, message }),
    onMessage: (h) => {
      const listener = (raw: Wrapped) => {
        if (raw.kind === 'port-message' && raw.client === client) h(raw.message);
      };
      engine.child.on('message', listener);
      return () => engine.child.off('message', listener);
    },
  };
  const windowClient = new EngineClient(port);
  scratch.later(() => {
    windowClient.close();
    return Promise.resolve();
  });
  return windowClient;
}

const rssMiB = async (engine: ForkedEngine) => (await engine.client.call('info')).runtime.rssMiB;

describe('a window’s port', () => {
  it('cannot dictate from a file path: /dev/zero and a FIFO are refused and the engine’s memory does not move', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none' } });
    const fifo = join(home, 'audio.wav');
    makeFifo(fifo);
    const engine = scratch.engine(['--probe', 'none'], home);
    await engine.waitFor((e) => e.type === 'report');
    const window = attachWindow(engine, 'window:1');
    const before = await rssMiB(engine);
    for (const path of ['/dev/zero', fifo]) {
      await expect(window.call('dictation.start', { source: 'file', path })).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/a window cannot name file paths/) as unknown,
      });
    }
    await expect(window.call('dictation.start', { source: 'push', path: '/dev/zero' })).rejects.toMatchObject(
      {
        code: 'forbidden',
      },
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(Math.abs((await rssMiB(engine)) - before)).toBeLessThan(20);
    // What a window needs still works.
    expect((await window.call('ping')).protocol).toBe(1);
    await window.call('dictation.start', { source: 'push' });
    await window.call('dictation.stop');
  });

  it('cannot set a model folder by path, but keeps one set from the command line when saving other settings', async () => {
    const home = await scratch.home();
    const engine = scratch.engine(['--probe', 'none', '--speech', 'off'], home);
    await engine.waitFor((e) => e.type === 'report');
    const window = attachWindow(engine, 'window:1');
    await expect(
      window.call('settings.set', { settings: { speech: { model: '/etc' } } }),
    ).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /a window cannot name file paths: choose an installed model by its id/,
      ) as unknown,
    });
    expect((await engine.client.call('settings.get')).speech.model).toBe('');
    // An id is fine; a folder set by a trusted client (the CLI) stays when the window saves other settings.
    await window.call('settings.set', { settings: { speech: { model: 'tiny-ctc' } } });
    const folder = join(home, 'my-model');
    await engine.client.call('settings.set', { settings: { speech: { model: folder } } });
    const saved = await window.call('settings.set', {
      settings: { speech: { model: folder }, memory: { intervalMs: 1500 } },
    });
    expect(saved.speech.model).toBe(folder);
  });

  it('cannot install an unverified model unless main consented, once', async () => {
    const home = await scratch.home();
    const engine = scratch.engine(['--probe', 'none', '--speech', 'off'], home);
    await engine.waitFor((e) => e.type === 'report');
    const window = attachWindow(engine, 'window:1');
    const pull = () => window.call('models.pull', { id: 'parakeet-ctc-0.6b', allowUnverified: true });
    await expect(pull()).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/needs the user's confirmation in the app's own dialog/) as unknown,
    });
    await expect(window.call('models.consent', { id: 'parakeet-ctc-0.6b' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await engine.client.call('models.consent', { id: 'parakeet-ctc-0.6b' })).validForMs).toBe(
      120_000,
    );
    expect((await pull()).state).toBe('started');
    await window.call('models.cancel', { id: 'parakeet-ctc-0.6b' });
    await expect(pull()).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('the recording overlay’s port (overlay:<id>) reads status, settings and info and can stop dictation, nothing else', async () => {
    const home = await scratch.home();
    const engine = scratch.engine(['--probe', 'none', '--speech', 'off'], home);
    await engine.waitFor((e) => e.type === 'report');
    const overlay = attachWindow(engine, 'overlay:3');
    expect((await overlay.call('ping')).protocol).toBe(1);
    expect((await overlay.call('status')).level).toBe('NORMAL');
    expect((await overlay.call('settings.get')).speech.hotkey).toBeTruthy();
    expect((await overlay.call('info')).runtime.rssMiB).toBeGreaterThan(0);
    // Allowed: this engine has speech off, so it is answered on its merits (not refused as forbidden).
    const stop = await overlay.call('dictation.stop').then(
      () => 'served',
      (error: unknown) => {
        const e = error as { code?: string; message?: string };
        return `${e.code}: ${e.message}`;
      },
    );
    expect(stop).toMatch(/^(served|[a-z-]+: speech is not enabled in this engine)$/);
    expect(stop).not.toMatch(/^forbidden/);
    const refused = [
      () => overlay.call('history.list', { limit: 5 }),
      () => overlay.call('history.clear'),
      () => overlay.call('dictation.start', { source: 'mic' }),
      () => overlay.call('audio.push', { samples: new Float32Array(128) }),
      () => overlay.call('settings.set', { settings: { memory: { intervalMs: 1500 } } }),
      () => overlay.call('models.list'),
      () => overlay.call('restore'),
    ];
    for (const call of refused) {
      await expect(call()).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/not available to the recording overlay/) as unknown,
      });
    }
    // What an ordinary window's port may do is still served to it.
    const window = attachWindow(engine, 'window:4');
    const saved = await window.call('settings.set', { settings: { memory: { intervalMs: 1500 } } });
    expect(saved.memory.intervalMs).toBe(1500);
  });

  it('10,000 port requests from one window leave one live port; a closed window’s port is closed', async () => {
    const home = await scratch.home();
    const engine = scratch.engine(['--probe', 'none', '--speech', 'off'], home);
    await engine.waitFor((e) => e.type === 'report');
    const closed = fromEngine(engine, 'window:7', 'port-closed');
    const delivered = fromEngine(engine, 'window:7', 'port-message');
    for (let i = 0; i < 9_999; i++) engine.child.send({ kind: 'attach-port', client: 'window:7' });
    const window = attachWindow(engine, 'window:7');
    expect((await window.call('ping')).protocol).toBe(1);
    expect(closed).toHaveLength(9_999);
    // Each event reaches the window once, not 10,000 times: the window sees what main's client sees.
    delivered.length = 0;
    const downloads = () => engine.events.filter((e) => e.type === 'download').length;
    await engine.client.call('models.pull', { id: 'parakeet-ctc-0.6b', allowUnverified: true });
    await engine.client.call('models.cancel', { id: 'parakeet-ctc-0.6b' });
    await expect.poll(downloads).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 300));
    const toWindow = delivered.filter((m) => JSON.stringify(m).includes('"type":"download"'));
    expect(toWindow).toHaveLength(downloads());

    engine.child.send({ kind: 'detach-port', client: 'window:7' });
    await expect.poll(() => closed.length).toBe(10_000);
    await expect(
      Promise.race([window.call('ping'), new Promise((r) => setTimeout(() => r('no answer'), 500))]),
    ).resolves.toBe('no answer');
    expect((await engine.client.call('ping')).protocol).toBe(1);
  });
});

describe.skipIf(speechMissing !== null)('a trusted client (CLI, tests) dictating from a file', () => {
  it('/dev/zero and a FIFO are refused at once with the reason; memory does not move; the engine stops on SIGTERM', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none' } });
    const fifo = join(home, 'audio.wav');
    makeFifo(fifo);
    const engine = scratch.engine(['--probe', 'none'], home);
    await engine.waitFor((e) => e.type === 'report');
    const before = await rssMiB(engine);
    for (const [path, why] of [
      ['/dev/zero', /zero: cannot read: \/dev\/zero is a device, not a file/],
      [fifo, /audio\.wav: cannot read: .*is a FIFO, not a file/],
    ] as const) {
      await engine.client.call('dictation.start', { source: 'file', path });
      expect((await engine.client.call('dictation.stop')).transcripts).toBe(0);
      expect(failures(engine).at(-1)?.message).toMatch(why);
    }
    expect(Math.abs((await rssMiB(engine)) - before)).toBeLessThan(20);
    const exited = new Promise((r) => engine.child.once('exit', r));
    engine.child.kill('SIGTERM');
    await exited;
  });
});
