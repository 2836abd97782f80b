/**
 * Faults of the installed speech model: its file missing, corrupt, or truncated (with and without the
 * install manifest that records its size and hash). The real engine starts anyway and keeps protecting
 * memory and answering; it says which file is wrong and how (a failure event, and the error of
 * dictation.start); and it touches nothing — the broken install stays as it was for `models verify` or a
 * new download, and the history stays readable.
 */
import { copyFile, mkdir, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INSTALL_MANIFEST, hashFile, manifestText } from '../../electron/engine/models/downloadManifest';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import { Scratch, speechMissing } from './support';

const scratch = new Scratch();
afterEach(() => scratch.release());

const MODEL_FILES = ['model.onnx', 'tokens.txt', 'config.json'];
const PAST = { id: 'kept-1', atMs: 1_700_000_000_000, text: 'open new file', device: 'cpu', ep: 'cpu' };

/** A home with the tiny model installed as "mine" (with its manifest when asked) and one past transcript. */
async function homeWithInstall(manifest: boolean): Promise<{ home: string; dir: string }> {
  const home = await scratch.home({ speech: { outputMode: 'none', model: 'mine' } });
  const dir = join(home, 'models', 'mine');
  await mkdir(dir, { recursive: true });
  for (const name of MODEL_FILES) await copyFile(join(FIXTURE_MODEL_DIR, name), join(dir, name));
  if (manifest) {
    const files = [];
    for (const name of MODEL_FILES) {
      files.push({ name, ...(await hashFile(join(dir, name))), checked: 'computed' as const });
    }
    const installedAt = new Date().toISOString();
    const text = manifestText({
      v: 1,
      id: 'mine',
      family: 'nemo-ctc',
      installedAt,
      source: 'bundled',
      files,
    });
    await writeFile(join(dir, INSTALL_MANIFEST), text);
  }
  await mkdir(join(home, 'history'));
  const past = { ...PAST, latencyMs: 50, durationMs: 1500, source: 'mic' };
  await writeFile(join(home, 'history', 'transcripts.jsonl'), `${JSON.stringify(past)}\n`);
  return { home, dir };
}

async function snapshot(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = (await stat(join(dir, name))).size;
  return out;
}

const CASES = [
  {
    fault: 'model file empty (0 bytes)',
    manifest: false,
    damage: (dir: string) => writeFile(join(dir, 'model.onnx'), ''),
    said: /model file .*mine\/model\.onnx is empty/,
  },
  {
    fault: 'model file missing',
    manifest: true,
    damage: (dir: string) => rm(join(dir, 'model.onnx')),
    said: /mine\/model\.onnx is missing/,
  },
  {
    fault: 'model file corrupt (an HTML error page saved as the model)',
    manifest: false,
    damage: (dir: string) => writeFile(join(dir, 'model.onnx'), '<html>503 Service Unavailable</html>'),
    said: /mine\/model\.onnx.*is not an ONNX model/,
  },
  {
    fault: 'model file truncated (install manifest present)',
    manifest: true,
    damage: (dir: string) => truncate(join(dir, 'model.onnx'), 100_000),
    said: /mine\/model\.onnx has 100000 bytes, \d+ were installed: it is damaged, reinstall mine/,
  },
  {
    fault: 'model file truncated (copied by hand, no manifest)',
    manifest: false,
    damage: (dir: string) => truncate(join(dir, 'model.onnx'), 100_000),
    said: /mine\/model\.onnx failed:Protobuf parsing failed/,
  },
];

describe.skipIf(speechMissing !== null)('a broken speech model install', () => {
  it.each(CASES)(
    '$fault: the engine runs, names the file and the problem, and keeps everything',
    async (c) => {
      const { home, dir } = await homeWithInstall(c.manifest);
      await c.damage(dir);
      const before = await snapshot(dir);
      const model = await readFile(join(dir, 'model.onnx')).catch(() => null);

      const engine = scratch.engine(['--probe', 'none'], home);
      const failure = await engine.waitFor((e) => e.type === 'failure');
      expect(failure).toMatchObject({ during: 'loading the speech model' });
      expect(failure.type === 'failure' && failure.message).toMatch(c.said);
      await engine.waitFor((e) => e.type === 'report');

      // Keeps working: status, settings, memory commands all answer.
      expect((await engine.client.call('status')).level).toBe('NORMAL');
      expect((await engine.client.call('settings.get')).speech.model).toBe('mine');
      // Says it again where the user acts: Dictate.
      await expect(engine.client.call('dictation.start', { source: 'push' })).rejects.toThrow(c.said);
      // Loses nothing: the install is as it was, and the history still lists what was said before.
      expect(await snapshot(dir)).toEqual(before);
      expect(await readFile(join(dir, 'model.onnx')).catch(() => null)).toEqual(model);
      const history = await engine.client.call('history.list', { limit: 5 });
      expect(history.entries.map((h) => h.text)).toEqual([PAST.text]);
    },
  );
});
