/**
 * Fault: no typing tool installed (PATH without xdotool / wtype / ydotool). The real engine, set to type
 * transcripts, still keeps every transcript in the history, says which tool is missing and how to install
 * it, and falls back to the clipboard when a clipboard tool is there (checked on a real X server).
 */
import { execFile } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { missingTools, startXvfb } from '../integration/output/xvfbSession';
import type { ForkedEngine } from '../integration/engine/forkEngine';
import { clip, clipAudio, concat, failures, pushAudio, Scratch, silence, speechMissing } from './support';

const run = promisify(execFile);
const scratch = new Scratch();
afterEach(() => scratch.release());

const SPOKEN = 'hello world';
const NO_SESSION_HINTS = { WAYLAND_DISPLAY: '', XDG_SESSION_TYPE: '', XDG_CURRENT_DESKTOP: '' };

/** An engine set to type, whose PATH holds only `tools` (linked from this machine). */
async function typingEngine(env: NodeJS.ProcessEnv, tools: string[] = []): Promise<ForkedEngine> {
  const home = await scratch.home({ speech: { outputMode: 'type' } });
  const bin = join(home, 'bin');
  await mkdir(bin);
  for (const tool of tools) await symlink(`/usr/bin/${tool}`, join(bin, tool));
  const engine = scratch.engine(['--probe', 'none'], home, { ...NO_SESSION_HINTS, ...env, PATH: bin });
  await engine.waitFor((e) => e.type === 'report');
  return engine;
}

async function dictate(engine: ForkedEngine): Promise<void> {
  await engine.client.call('dictation.start', { source: 'push' });
  await pushAudio(engine, concat(await clipAudio(clip(SPOKEN)), silence(1000)));
  expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
}

describe.skipIf(speechMissing !== null)('no typing tool installed', () => {
  it.each([
    [
      'X11',
      { DISPLAY: ':97' },
      /no typing tool found: install xdotool, and no clipboard tool either \(install xclip or xsel\)/,
    ],
    [
      'Wayland',
      { WAYLAND_DISPLAY: 'wayland-7' },
      /no typing tool found: install wtype or ydotool .*, and no clipboard tool either \(install wl-clipboard/,
    ],
  ])(
    '%s, no clipboard tool either: the transcript is in the history and the missing tools are named',
    async (_, env, why) => {
      const engine = await typingEngine(env);
      await dictate(engine);
      const history = await engine.client.call('history.list', { limit: 5 });
      expect(history.entries.map((h) => h.text)).toEqual([SPOKEN]);
      const said = failures(engine);
      expect(said.map((f) => f.during)).toEqual(['typing transcript 1']);
      expect(said[0]?.message).toMatch(why);
      expect(said[0]?.message).toMatch(/the transcript is only in the history/);
      // Keeps working: the next dictation is served the same way.
      await dictate(engine);
      expect((await engine.client.call('history.list', { limit: 5 })).entries).toHaveLength(2);
    },
  );

  it.skipIf(process.platform !== 'linux')(
    'X11 with xclip but no xdotool: the transcript is copied to the clipboard and the notice says why',
    async () => {
      const missing = await missingTools(['Xvfb', 'xclip']);
      if (missing.length > 0) {
        console.warn(`clipboard fallback case skipped: ${missing.join(', ')} not installed`);
        return;
      }
      const x = await startXvfb();
      scratch.later(() => x.stop());
      const engine = await typingEngine({ DISPLAY: x.env['DISPLAY'] }, ['xclip']);
      await dictate(engine);
      const said = await engine.waitFor((e) => e.type === 'failure');
      expect(said).toMatchObject({
        during: 'typing transcript 1',
        message: 'no typing tool found: install xdotool; the transcript was copied to the clipboard instead',
      });
      const clipboard = await run('xclip', ['-selection', 'clipboard', '-o'], { env: x.env });
      expect(clipboard.stdout).toBe(SPOKEN);
      expect((await engine.client.call('history.list', { limit: 5 })).entries.map((h) => h.text)).toEqual([
        SPOKEN,
      ]);
    },
  );
});
