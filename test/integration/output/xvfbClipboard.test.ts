import { chmod, mkdir, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pasteText,
  readClipboard,
  writeClipboard,
  type PasteStep,
} from '../../../electron/engine/output/clipboard';
import { findExecutable } from '../../../electron/engine/output/toolEnv';
import { missingTools, startXvfb, waitForFileContent, type XvfbSession } from './xvfbSession';

// The real clipboard of a real X server (Xvfb), through xclip, and a real paste into xterm.
const missing = await missingTools(['Xvfb', 'xterm', 'xdotool', 'xclip']);
if (missing.length > 0) {
  console.log(
    `skipping Xvfb clipboard tests: ${missing.join(', ')} not installed (apt-get install xvfb xterm xdotool xclip)`,
  );
}

// xterm pastes PRIMARY by default; bind ctrl+shift+v to the CLIPBOARD selection like terminal
// emulators on desktops do, so the terminal paste chord can be exercised. "*VT100", not
// "XTerm*VT100": the harness gives each xterm its own -class, which XTerm resources would miss.
const XTERM_CLIPBOARD_PASTE = [
  '-xrm',
  '*VT100.translations: #override Ctrl Shift <Key>V: insert-selection(CLIPBOARD)',
];

describe.skipIf(missing.length > 0)('clipboard on X11 (Xvfb, xclip, xterm)', () => {
  let session: XvfbSession | undefined;
  let tmp = '';
  /** The session env with PATH starting at wrappers that log when xclip/xdotool start and exit. */
  let tracedEnv: NodeJS.ProcessEnv = {};
  let traceLog = '';

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'swictation-xclip-'));
    session = await startXvfb();
    traceLog = path.join(tmp, 'trace.log');
    const wrappers = path.join(tmp, 'bin');
    await mkdir(wrappers);
    const stamp = (what: string) => `echo "$(date +%s%N) ${what}" >> "${traceLog}"`;
    for (const name of ['xdotool', 'xclip']) {
      const real = await findExecutable(name, { env: process.env, platform: process.platform });
      if (!real) throw new Error(`${name} vanished`);
      const file = path.join(wrappers, name);
      // Not exec: the wrapper must outlive the tool to log its exit. xclip -in returns once its
      // forked selection owner is running, as it would unwrapped.
      await writeFile(
        file,
        `#!/bin/sh\n${stamp(`${name} start $*`)}\n"${real}" "$@"\nrc=$?\n${stamp(`${name} exit`)}\nexit $rc\n`,
      );
      await chmod(file, 0o755);
    }
    tracedEnv = { ...session.env, PATH: `${wrappers}:${session.env['PATH'] ?? ''}` };
  });

  afterAll(async () => {
    await session?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  function current(): XvfbSession {
    if (!session) throw new Error('Xvfb did not start');
    return session;
  }

  it('writes and reads back text, including non-ASCII and newlines', async () => {
    const env = current().env;
    const text = 'memory status: ünïcödé ✓\nsecond line';
    await writeClipboard(text, { env });
    expect(await readClipboard({ env })).toBe(text);
    await writeClipboard('replaced', { env });
    expect(await readClipboard({ env })).toBe('replaced');
  });

  it('pastes into xterm and restores the previous clipboard only after the paste', async () => {
    const out = path.join(tmp, 'pasted.txt');
    await current().openCatTerminal(out, XTERM_CLIPBOARD_PASTE);
    await writeClipboard('previous clipboard', { env: tracedEnv });
    await writeFile(traceLog, '');

    const steps: { step: PasteStep; at: number }[] = [];
    const result = await pasteText('pasted transcript\n', {
      env: tracedEnv,
      restore: true,
      pasteKey: 'ctrl+shift+v',
      settleMs: 150,
      onStep: (step) => steps.push({ step, at: Date.now() }),
    });
    expect(result).toEqual({ pasted: true, restored: true });

    // xterm received the transcript, not the restored text: the restore did not overtake the paste.
    const content = await waitForFileContent(out, 'pasted transcript\n');
    expect(content).toBe('pasted transcript\n');
    expect(await readClipboard({ env: current().env })).toBe('previous clipboard');

    expect(steps.map((s) => s.step)).toEqual([
      'previous-read',
      'copied',
      'paste-sent',
      'settled',
      'restored',
    ]);
    // Instrumented order of the real processes: the restoring xclip -in starts only after the
    // paste tool (xdotool key) has exited, and at least the settle delay later.
    const trace = (await readFile(traceLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => {
        const [ns = '0', ...rest] = line.split(' ');
        return { ns: BigInt(ns), what: rest.join(' ') };
      });
    const keyExit = trace.findIndex(
      (t, i) => t.what === 'xdotool exit' && trace[i - 1]?.what.startsWith('xdotool start key'),
    );
    const restoreStart = trace.map((t) => t.what).lastIndexOf('xclip start -selection clipboard -in');
    expect(keyExit).toBeGreaterThan(-1);
    expect(restoreStart).toBeGreaterThan(keyExit);
    const gapNs = (trace[restoreStart]?.ns ?? 0n) - (trace[keyExit]?.ns ?? 0n);
    expect(gapNs).toBeGreaterThanOrEqual(150_000_000n);
    expect(trace.map((t) => t.what)).toEqual([
      'xclip start -selection clipboard -out',
      'xclip exit',
      'xclip start -selection clipboard -in',
      'xclip exit',
      'xdotool start key --clearmodifiers ctrl+shift+v',
      'xdotool exit',
      'xclip start -selection clipboard -out',
      'xclip exit',
      'xclip start -selection clipboard -in',
      'xclip exit',
    ]);
  });
});
