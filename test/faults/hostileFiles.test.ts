/**
 * Faults: files in the data folder that are not what they claim to be — a FIFO (a read never ends), a
 * symlink planted to leak or clobber another file, a device, a leftover from a killed writer. The engine
 * starts within seconds, says what it set aside and why, and never reads or writes through the link.
 */
import { cp, lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installBundledModel } from '../../electron/engine/models/downloader';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import { SettingsStore } from '../../electron/main/settingsStore';
import { mirrorEntry } from '../fixtures/mirrorCatalog';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import {
  clip,
  clipAudio,
  concat,
  failures,
  makeFifo,
  pushAudio,
  Scratch,
  silence,
  speechMissing,
} from './support';

const scratch = new Scratch();
afterEach(() => scratch.release());

const ENGINE_ARGS = ['--probe', 'none', '--speech', 'off'];
// Above the largest pid_max Linux allows: a process that is certainly dead.
const DEAD_PID = 4_194_401;
const START_LIMIT_MS = 5000;

/** Start the engine on `home` and resolve with how long it took to answer. */
async function timedStart(home: string, args = ENGINE_ARGS) {
  const started = performance.now();
  const engine = scratch.engine(args, home);
  await engine.waitFor((e) => e.type === 'report', START_LIMIT_MS + 10_000);
  await engine.client.call('ping');
  return { engine, ms: performance.now() - started };
}

describe('settings.json that is not a file', () => {
  it('a FIFO settings.json: the engine starts within 5 s on defaults, says why, and sets the FIFO aside', async () => {
    const home = await scratch.home();
    makeFifo(join(home, 'settings.json'));
    const { engine, ms } = await timedStart(home);
    expect(ms).toBeLessThan(START_LIMIT_MS);
    const info = await engine.client.call('info');
    expect(info.settingsProblem?.message).toMatch(
      /settings\.json could not be used \(is a FIFO, not a file\)/,
    );
    const keptAs = info.settingsProblem?.keptAs ?? '';
    expect((await lstat(keptAs)).isFIFO()).toBe(true);
    expect(await engine.client.call('settings.get')).toEqual(DEFAULT_SETTINGS);
    // The next change is saved as a real file where the FIFO was.
    const saved = await engine.client.call('settings.set', {
      settings: { memory: { intervalMs: 1500 } },
    });
    expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toEqual(saved);
  });

  it("a symlinked settings.json: its target is neither read into the message nor changed; main's store says the same", async () => {
    const home = await scratch.home();
    const target = join(home, 'private.txt');
    const secret = 'SECRET-TOKEN-do-not-leak';
    await writeFile(target, secret);
    await symlink(target, join(home, 'settings.json'));
    const store = new SettingsStore(join(home, 'settings.json'));
    // Main reads it first, as the tray app does before it starts the engine.
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    expect(store.warning?.message).toMatch(/is a symbolic link/);
    expect(JSON.stringify(store.warning)).not.toContain('SECRET');
    const keptAs = store.warning?.keptAs ?? '';
    expect((await lstat(keptAs)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe(secret);

    await symlink(target, join(home, 'settings.json'));
    const { engine } = await timedStart(home);
    const info = await engine.client.call('info');
    expect(info.settingsProblem?.message).toMatch(/is a symbolic link/);
    expect(JSON.stringify(info)).not.toContain('SECRET');
    await engine.client.call('settings.set', { settings: { memory: { intervalMs: 1500 } } });
    expect(await readFile(target, 'utf8')).toBe(secret);
  });

  it('a settings.json.<pid>.tmp left by a killed writer is removed at the next load; a live writer’s is kept', async () => {
    const home = await scratch.home({});
    const dead = join(home, 'settings.json.999999999.tmp');
    const live = join(home, `settings.json.${process.pid}.tmp`);
    await writeFile(dead, '{"half":');
    await writeFile(live, '{}');
    await new SettingsStore(join(home, 'settings.json')).load();
    expect((await readdir(home)).sort()).toEqual([`settings.json`, `settings.json.${process.pid}.tmp`]);
  });
});

describe.skipIf(speechMissing !== null)('history and journal files that are not files', () => {
  it('FIFOs as the history and in the journal: start within 5 s, history.list and dictation answer, reasons shown', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none' } });
    const history = join(home, 'history');
    // A dead engine's journal session whose files are FIFOs, and a FIFO posing as a whole session.
    const session = join(history, 'journal', `${DEAD_PID}-1-0`);
    await mkdir(session, { recursive: true });
    makeFifo(join(session, 'session.json'));
    makeFifo(join(session, 'utterance-000000000000.json'));
    makeFifo(join(session, 'live-0.f32'));
    makeFifo(join(history, 'journal', `${DEAD_PID}-2-0`));
    makeFifo(join(history, 'transcripts.jsonl'));
    makeFifo(join(history, 'transcripts.jsonl.1'));

    const { engine, ms } = await timedStart(home, ['--probe', 'none']);
    expect(ms).toBeLessThan(START_LIMIT_MS);
    expect((await engine.client.call('history.list', { limit: 5 })).entries).toEqual([]);
    await engine.waitFor((e) => e.type === 'failure' && /is a FIFO/.test(e.message));
    // Dictation works and its transcript is kept in a fresh history file.
    const spoken = clip('hello world');
    await engine.client.call('dictation.start', { source: 'push' });
    await pushAudio(engine, concat(await clipAudio(spoken), silence(1500)));
    expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
    const listed = await engine.client.call('history.list', { limit: 5 });
    expect(listed.entries.map((e) => e.text)).toEqual([spoken.text]);
    const names = await readdir(history);
    expect(names.some((n) => n.startsWith('transcripts.jsonl.unusable-'))).toBe(true);
    expect((await lstat(join(history, 'transcripts.jsonl'))).isFile()).toBe(true);
    const messages = failures(engine)
      .map((f) => f.message)
      .join('\n');
    expect(messages).toMatch(/transcripts\.jsonl is not a regular file \(a FIFO\): set aside/);
    expect(messages).toMatch(/transcripts\.jsonl\.1 is a FIFO, not a file: its transcripts are not listed/);
    expect(messages).toMatch(
      /could not be transcribed after the engine restart: its journal entry is unreadable \(.*is a FIFO/,
    );
    // A settings change is not held up behind any of it.
    await engine.client.call('settings.set', {
      settings: { speech: { outputMode: 'none' }, memory: { intervalMs: 1500 } },
    });
  });
});

describe.skipIf(speechMissing !== null)('model files that are not files', () => {
  it.each([
    ['tokens.txt of an installed model', 'installed', 'tokens.txt'],
    ['model.onnx of a model folder given by path', 'folder', 'model.onnx'],
  ])(
    '%s is a FIFO: the engine starts within 5 s, names it, and refuses Dictate with the reason',
    async (_, kind, name) => {
      const home = await scratch.home();
      let dir = join(home, 'my-model');
      if (kind === 'installed') {
        const entry = mirrorEntry('mine', []);
        await installBundledModel(
          { ...entry, bundledDir: FIXTURE_MODEL_DIR },
          { appRoot: '/', modelsDir: join(home, 'models') },
        );
        dir = join(home, 'models', 'mine');
      } else await cp(FIXTURE_MODEL_DIR, dir, { recursive: true });
      await writeFile(
        join(home, 'settings.json'),
        JSON.stringify({ speech: { outputMode: 'none', model: kind === 'installed' ? 'mine' : dir } }),
      );
      await rm(join(dir, name));
      makeFifo(join(dir, name));

      const { engine, ms } = await timedStart(home, ['--probe', 'none']);
      expect(ms).toBeLessThan(START_LIMIT_MS);
      const said = new RegExp(`${name.replace('.', '\\.')} is a FIFO, not a file`);
      const failure = await engine.waitFor(
        (e) => e.type === 'failure' && e.during === 'loading the speech model',
      );
      expect(failure.type === 'failure' && failure.message).toMatch(said);
      await expect(engine.client.call('dictation.start', { source: 'push' })).rejects.toThrow(said);
      expect((await lstat(join(dir, name))).isFIFO()).toBe(true);
    },
  );
});

describe('a start-up file given on the command line that is not a file', () => {
  it('--scenario naming a FIFO: the engine exits at once with the reason instead of waiting forever', async () => {
    const home = await scratch.home();
    const fifo = join(home, 'scenario.json');
    makeFifo(fifo);
    const engine = scratch.engine(['--scenario', fifo, '--speech', 'off'], home);
    const started = performance.now();
    const code = await new Promise<number | null>((resolve) => engine.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(performance.now() - started).toBeLessThan(START_LIMIT_MS);
  });
});
