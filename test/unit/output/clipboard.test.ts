import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NoClipboardToolError,
  pasteText,
  readClipboard,
  writeClipboard,
  type PasteStep,
} from '../../../electron/engine/output/clipboard';
import { createStubDir, fakeClipboardBody, type StubDir } from './stubTools';

let stubs: StubDir;
beforeEach(async () => {
  stubs = await createStubDir();
});
afterEach(async () => {
  await stubs.remove();
});

const x11 = () => ({ env: stubs.env({ DISPLAY: ':0' }), platform: 'linux' as const });

/** Appends "<ns timestamp> <event>" to events.log, for checking what happened when. */
const stamp = (event: string) =>
  `echo "$(/bin/date +%s%N) ${event}" >> "${path.join(stubs.dir, 'events.log')}"`;

async function events(): Promise<{ ns: bigint; event: string }[]> {
  const content = await readFile(path.join(stubs.dir, 'events.log'), 'utf8');
  return content
    .trim()
    .split('\n')
    .map((line) => {
      const [ns = '0', ...rest] = line.split(' ');
      return { ns: BigInt(ns), event: rest.join(' ') };
    });
}

describe('clipboard read/write', () => {
  it('writes through stdin and reads back, null when empty', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    expect(await readClipboard(x11())).toBeNull();
    await writeClipboard('-n héllo\nworld $(x)', x11());
    expect(await readClipboard(x11())).toBe('-n héllo\nworld $(x)');
    expect((await stubs.calls()).map((c) => c.slice(1))).toEqual([
      ['-selection', 'clipboard', '-out'],
      ['-selection', 'clipboard', '-in'],
      ['-selection', 'clipboard', '-out'],
    ]);
  });

  it('does not wait for the selection owner that xclip/xsel/wl-copy leave running', async () => {
    // Like xclip: fork a child that keeps our stdout/stderr open, and exit.
    await stubs.add('xclip', `/bin/cat > /dev/null; /bin/sleep 3 & exit 0`);
    const started = Date.now();
    await writeClipboard('text', x11());
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('throws a clear error when no clipboard tool is installed', async () => {
    await expect(writeClipboard('x', x11())).rejects.toThrow(
      new NoClipboardToolError('no clipboard tool found: install xclip or xsel'),
    );
  });
});

describe('pasteText', () => {
  async function rig(keyBody = '') {
    await stubs.add('xclip', `${stamp('xclip $*')}\n${fakeClipboardBody(stubs.dir)}`);
    await stubs.add(
      'xdotool',
      `${stamp('xdotool start $*')}\n/bin/sleep 0.2\n${keyBody}\n${stamp('xdotool exit')}`,
    );
  }

  it('restores the previous clipboard only after the paste tool exited and the settle delay', async () => {
    await rig();
    await writeClipboard('previous content', x11());
    const steps: PasteStep[] = [];
    const result = await pasteText('the transcript', {
      ...x11(),
      restore: true,
      settleMs: 150,
      onStep: (s) => steps.push(s),
    });
    expect(result).toEqual({ pasted: true, restored: true });
    expect(steps).toEqual(['previous-read', 'copied', 'paste-sent', 'settled', 'restored']);
    expect(await readClipboard(x11())).toBe('previous content');

    const log = (await events()).slice(1); // drop the setup write
    expect(log.map((e) => e.event)).toEqual([
      'xclip -selection clipboard -out', // save the previous text
      'xclip -selection clipboard -in', // the transcript
      'xdotool start key --clearmodifiers ctrl+v',
      'xdotool exit',
      'xclip -selection clipboard -out', // still ours?
      'xclip -selection clipboard -in', // restore
      'xclip -selection clipboard -out', // the test's own read
    ]);
    const exited = log[3]?.ns ?? 0n;
    const restoredAt = log[5]?.ns ?? 0n;
    expect(restoredAt - exited).toBeGreaterThanOrEqual(150_000_000n);
  });

  it('sends the configured chord and leaves the transcript when restore is off', async () => {
    await rig();
    await writeClipboard('previous content', x11());
    const result = await pasteText('the transcript', { ...x11(), restore: false, pasteKey: 'ctrl+shift+v' });
    expect(result).toEqual({ pasted: true, restored: false });
    expect(await readClipboard(x11())).toBe('the transcript');
    expect((await events()).map((e) => e.event)).toContain('xdotool start key --clearmodifiers ctrl+shift+v');
  });

  it('keeps what the user copied while the paste was settling', async () => {
    await rig(`printf 'copied meanwhile' > "${path.join(stubs.dir, 'clipboard.txt')}"`);
    await writeClipboard('previous content', x11());
    const steps: PasteStep[] = [];
    const result = await pasteText('the transcript', {
      ...x11(),
      restore: true,
      onStep: (s) => steps.push(s),
    });
    expect(result.restored).toBe(false);
    expect(steps.at(-1)).toBe('restore-skipped');
    expect(await readClipboard(x11())).toBe('copied meanwhile');
  });

  it('leaves the transcript on the clipboard when the paste chord cannot be sent', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    await stubs.add('xdotool', `echo 'XTEST extension missing' >&2; exit 1`);
    await writeClipboard('previous content', x11());
    const failed = await pasteText('the transcript', { ...x11(), restore: true });
    expect(failed).toMatchObject({ pasted: false, restored: false });
    expect(failed.message).toMatch(
      /sending ctrl\+v failed \(xdotool failed \(exit 1\): XTEST extension missing\)/,
    );
    expect(await readClipboard(x11())).toBe('the transcript');

    const copyOnly = await pasteText('second', { ...x11(), restore: true, typingTool: null });
    expect(copyOnly).toEqual({
      pasted: false,
      restored: false,
      message: 'copied to the clipboard: paste it with ctrl+v',
    });
    expect(await readClipboard(x11())).toBe('second');
  });

  it('does not restore when the clipboard held no text before', async () => {
    await rig();
    const result = await pasteText('the transcript', { ...x11(), restore: true, settleMs: 0 });
    expect(result).toMatchObject({ pasted: true, restored: false });
    expect(await readClipboard(x11())).toBe('the transcript');
  });
});
