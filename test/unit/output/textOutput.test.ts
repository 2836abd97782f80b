import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTextOutput } from '../../../electron/engine/output/textOutput';
import { createStubDir, fakeClipboardBody, type StubDir } from './stubTools';

let stubs: StubDir;
beforeEach(async () => {
  stubs = await createStubDir();
});
afterEach(async () => {
  await stubs.remove();
});

const x11 = () => ({ env: stubs.env({ DISPLAY: ':0' }), platform: 'linux' as const });
const clipboardContent = () => readFile(path.join(stubs.dir, 'clipboard.txt'), 'utf8');

describe('createTextOutput', () => {
  it('types with the session’s tool', async () => {
    await stubs.add('xdotool');
    const out = createTextOutput('type', { ...x11(), delayMs: 1 });
    expect(await out.deliver('hello world')).toEqual({ mode: 'type', ok: true });
    expect(await stubs.calls()).toEqual([
      ['xdotool', 'type', '--clearmodifiers', '--delay', '1', '--', 'hello world'],
    ]);
  });

  it('types text only: line breaks become spaces, ESC and other control characters never reach the tool', async () => {
    await stubs.add('xdotool');
    const out = createTextOutput('type', { ...x11(), delayMs: 1 });
    await out.deliver('rm -rf ~\nexit\r\n\u001b:q!\u0007 done\u202e');
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    await createTextOutput('clipboard', { ...x11(), autoPaste: false }).deliver('line one\nline two\u0000');
    expect((await stubs.calls())[0]).toEqual([
      'xdotool',
      'type',
      '--clearmodifiers',
      '--delay',
      '1',
      '--',
      'rm -rf ~ exit :q! done',
    ]);
    expect(await clipboardContent()).toBe('line one line two');
    // Nothing typeable left: nothing is typed.
    expect(await out.deliver('\u001b\u0007')).toEqual({ mode: 'type', ok: true });
    expect(await stubs.calls()).toHaveLength(2);
  });

  it('falls back to the clipboard, saying why, when no typing tool is installed', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    const result = await createTextOutput('type', x11()).deliver('hello');
    expect(result).toEqual({
      mode: 'clipboard',
      ok: true,
      message: 'no typing tool found: install xdotool; the transcript was copied to the clipboard instead',
    });
    expect(await clipboardContent()).toBe('hello');
  });

  it('falls back to the clipboard when the typing tool fails', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    await stubs.add('xdotool', `echo 'no display' >&2; exit 1`);
    const result = await createTextOutput('type', x11()).deliver('hello');
    expect(result.mode).toBe('clipboard');
    expect(result.message).toMatch(/^typing with xdotool failed \(xdotool failed \(exit 1\): no display\)/);
    expect(await clipboardContent()).toBe('hello');
  });

  it('never throws when nothing is installed: it reports what to install', async () => {
    const typed = await createTextOutput('type', x11()).deliver('hello');
    expect(typed).toEqual({
      mode: 'none',
      ok: false,
      message:
        'no typing tool found: install xdotool, and no clipboard tool either (install xclip or xsel): the transcript is only in the history',
    });
    const pasted = await createTextOutput('clipboard', x11()).deliver('hello');
    expect(pasted).toMatchObject({ mode: 'none', ok: false });
    expect(pasted.message).toMatch(/no clipboard tool found: install xclip or xsel/);
  });

  it('clipboard mode copies and sends the configured paste chord', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    await stubs.add('xdotool');
    const out = createTextOutput('clipboard', { ...x11(), pasteKey: 'ctrl+shift+v' });
    expect(await out.deliver('pasted text')).toEqual({ mode: 'clipboard', ok: true });
    expect((await stubs.calls()).find((c) => c[0] === 'xdotool')).toEqual([
      'xdotool',
      'key',
      '--clearmodifiers',
      'ctrl+shift+v',
    ]);
    expect(await clipboardContent()).toBe('pasted text');
  });

  it('clipboard mode without autoPaste only copies', async () => {
    await stubs.add('xclip', fakeClipboardBody(stubs.dir));
    await stubs.add('xdotool');
    const result = await createTextOutput('clipboard', { ...x11(), autoPaste: false }).deliver('copy me');
    expect(result).toEqual({
      mode: 'clipboard',
      ok: true,
      message: 'copied to the clipboard: paste it with ctrl+v',
    });
    expect((await stubs.calls()).some((c) => c[0] === 'xdotool')).toBe(false);
  });

  it('pastes non-ASCII text instead of typing it with ydotool, which would drop it', async () => {
    await stubs.add('wl-copy', `/bin/cat > "${path.join(stubs.dir, 'clipboard.txt')}"`);
    await stubs.add('wl-paste', `/bin/cat "${path.join(stubs.dir, 'clipboard.txt')}" 2>/dev/null || exit 1`);
    await stubs.add('ydotool', `[ "$1" = --version ] && echo 'ydotool version(or hash):'; exit 0`);
    const out = createTextOutput('type', {
      env: stubs.env({ WAYLAND_DISPLAY: 'wayland-0' }),
      platform: 'linux',
      settleMs: 0,
    });
    const result = await out.deliver('café');
    expect(result).toMatchObject({ mode: 'clipboard', ok: true });
    expect(result.message).toMatch(/ydotool types ASCII only/);
    const ydotoolCalls = (await stubs.calls()).filter((c) => c[0] === 'ydotool');
    expect(ydotoolCalls.some((c) => c[1] === 'type')).toBe(false);
    expect(ydotoolCalls.at(-1)).toEqual(['ydotool', 'key', '29:1', '47:1', '47:0', '29:0']);

    expect(await out.deliver('plain ascii')).toEqual({ mode: 'type', ok: true });
  });

  it('copies on macOS, where typing is not supported yet', async () => {
    await stubs.add('pbcopy', `/bin/cat > "${path.join(stubs.dir, 'clipboard.txt')}"`);
    await stubs.add('pbpaste');
    const result = await createTextOutput('type', { env: stubs.env(), platform: 'darwin' }).deliver('mac');
    expect(result).toMatchObject({ mode: 'clipboard', ok: true });
    expect(result.message).toMatch(/not supported on this platform yet/);
    expect(await clipboardContent()).toBe('mac');
  });

  it('mode none and empty text do nothing', async () => {
    await stubs.add('xdotool');
    expect(await createTextOutput('none', x11()).deliver('x')).toEqual({ mode: 'none', ok: true });
    expect(await createTextOutput('type', x11()).deliver('')).toEqual({ mode: 'type', ok: true });
    expect(await stubs.calls()).toEqual([]);
  });

  it('rejects a bad paste key when created, not on the first transcript', () => {
    expect(() => createTextOutput('clipboard', { pasteKey: 'ctrl+F99' })).toThrow(/unsupported paste key/);
  });
});
