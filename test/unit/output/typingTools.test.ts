import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findClipboardTool } from '../../../electron/engine/output/clipboardTools';
import { detectDisplayServer, findExecutable } from '../../../electron/engine/output/toolEnv';
import { describeOutputSupport, findTypingTool } from '../../../electron/engine/output/typingTools';
import { createStubDir, type StubDir } from './stubTools';

let stubs: StubDir;
beforeEach(async () => {
  stubs = await createStubDir();
});
afterEach(async () => {
  await stubs.remove();
});

const linux = 'linux' as const;

describe('detectDisplayServer', () => {
  it('tells X11 from Wayland, and Wayland wins over XWayland’s DISPLAY', () => {
    expect(detectDisplayServer({ DISPLAY: ':0' })).toBe('x11');
    expect(detectDisplayServer({ DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' })).toBe('wayland');
    expect(detectDisplayServer({ DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland' })).toBe('wayland');
    expect(detectDisplayServer({ XDG_SESSION_TYPE: 'x11' })).toBe('none');
    expect(detectDisplayServer({})).toBe('none');
  });
});

describe('findExecutable', () => {
  it('finds executables on PATH and ignores non-executable files and empty entries', async () => {
    const xdotool = await stubs.add('xdotool');
    await stubs.addPlain('wtype');
    expect(await findExecutable('xdotool', { env: { PATH: `:${stubs.dir}` }, platform: linux })).toBe(
      xdotool,
    );
    expect(await findExecutable('wtype', { env: { PATH: stubs.dir }, platform: linux })).toBeNull();
    expect(await findExecutable('xdotool', { env: {}, platform: linux })).toBeNull();
  });

  it('uses PATHEXT and ; on Windows', async () => {
    await writeFile(path.join(stubs.dir, 'clip.EXE'), '');
    const env = { PATH: `C:\\nowhere;${stubs.dir}`, PATHEXT: '.COM;.EXE' };
    expect(await findExecutable('clip', { env, platform: 'win32' })).toBe(path.join(stubs.dir, 'clip.EXE'));
  });
});

describe('findTypingTool', () => {
  it('uses xdotool on X11', async () => {
    const xdotool = await stubs.add('xdotool');
    await stubs.add('wtype');
    const tool = await findTypingTool({ env: stubs.env({ DISPLAY: ':0' }), platform: linux });
    expect(tool).toEqual({ name: 'xdotool', path: xdotool });
  });

  it('does not use Wayland tools on X11', async () => {
    await stubs.add('wtype');
    await stubs.add('ydotool');
    expect(await findTypingTool({ env: stubs.env({ DISPLAY: ':0' }), platform: linux })).toBeNull();
  });

  it('prefers wtype, then ydotool, on Wayland, never xdotool', async () => {
    await stubs.add('xdotool');
    const env = stubs.env({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' });
    expect(await findTypingTool({ env, platform: linux })).toBeNull();
    const ydotool = await stubs.add('ydotool');
    expect(await findTypingTool({ env, platform: linux })).toEqual({ name: 'ydotool', path: ydotool });
    const wtype = await stubs.add('wtype');
    expect(await findTypingTool({ env, platform: linux })).toEqual({ name: 'wtype', path: wtype });
    // XDG_SESSION_TYPE alone also means Wayland.
    const bySession = stubs.env({ XDG_SESSION_TYPE: 'wayland' });
    expect((await findTypingTool({ env: bySession, platform: linux }))?.name).toBe('wtype');
  });

  it('prefers ydotool on GNOME, whose compositor lacks the protocol wtype needs', async () => {
    await stubs.add('wtype');
    await stubs.add('ydotool');
    const env = stubs.env({ WAYLAND_DISPLAY: 'wayland-0', XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' });
    expect((await findTypingTool({ env, platform: linux }))?.name).toBe('ydotool');
  });

  it('finds nothing without a graphical session, and nothing on macOS or Windows', async () => {
    await stubs.add('xdotool');
    expect(await findTypingTool({ env: stubs.env(), platform: linux })).toBeNull();
    expect(await findTypingTool({ env: stubs.env({ DISPLAY: ':0' }), platform: 'darwin' })).toBeNull();
    expect(await findTypingTool({ env: stubs.env({ DISPLAY: ':0' }), platform: 'win32' })).toBeNull();
  });
});

describe('findClipboardTool', () => {
  it('picks xclip over xsel on X11', async () => {
    await stubs.add('xsel');
    const env = stubs.env({ DISPLAY: ':0' });
    expect((await findClipboardTool({ env, platform: linux }))?.name).toBe('xsel');
    await stubs.add('xclip');
    const tool = await findClipboardTool({ env, platform: linux });
    expect(tool?.name).toBe('xclip');
    expect(tool?.copy.args).toEqual(['-selection', 'clipboard', '-in']);
  });

  it('picks wl-clipboard on Wayland, xclip through XWayland otherwise', async () => {
    await stubs.add('xclip');
    const env = stubs.env({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' });
    expect((await findClipboardTool({ env, platform: linux }))?.name).toBe('xclip');
    await stubs.add('wl-copy');
    // Both halves are needed.
    expect((await findClipboardTool({ env, platform: linux }))?.name).toBe('xclip');
    await stubs.add('wl-paste');
    expect((await findClipboardTool({ env, platform: linux }))?.name).toBe('wl-clipboard');
    const noX = stubs.env({ WAYLAND_DISPLAY: 'wayland-0' });
    await stubs.addPlain('wl-paste');
    expect(await findClipboardTool({ env: noX, platform: linux })).toBeNull();
  });

  it('uses pbcopy/pbpaste on macOS and clip/PowerShell on Windows', async () => {
    await stubs.add('pbcopy');
    await stubs.add('pbpaste');
    expect((await findClipboardTool({ env: stubs.env(), platform: 'darwin' }))?.name).toBe('pbcopy');
    await writeFile(path.join(stubs.dir, 'clip.exe'), '');
    await writeFile(path.join(stubs.dir, 'powershell.exe'), '');
    const win = await findClipboardTool({ env: { PATH: stubs.dir, PATHEXT: '.exe' }, platform: 'win32' });
    expect(win?.name).toBe('windows');
    expect(win?.inputEncoding).toBe('utf16le-bom');
  });
});

describe('describeOutputSupport', () => {
  it('reports the typing and clipboard tools when present', async () => {
    await stubs.add('xdotool');
    await stubs.add('xclip');
    const support = await describeOutputSupport({ env: stubs.env({ DISPLAY: ':0' }), platform: linux });
    expect(support).toMatchObject({ displayServer: 'x11', clipboard: 'xclip', warnings: [] });
    expect(support.typing?.name).toBe('xdotool');
    expect(support.message).toBe('typing with xdotool (X11); clipboard through xclip');
  });

  it('says what to install and that transcripts go to the clipboard when no typing tool exists', async () => {
    await stubs.add('xclip');
    const x11 = await describeOutputSupport({ env: stubs.env({ DISPLAY: ':0' }), platform: linux });
    expect(x11.typing).toBeNull();
    expect(x11.message).toBe(
      'no typing tool found: install xdotool; transcripts go to the clipboard instead',
    );
    const wayland = await describeOutputSupport({
      env: stubs.env({ WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' }),
      platform: linux,
    });
    expect(wayland.message).toMatch(/^no typing tool found: install wtype or ydotool .*clipboard instead$/);
  });

  it('says so when neither typing nor the clipboard is possible', async () => {
    const none = await describeOutputSupport({ env: stubs.env({ DISPLAY: ':0' }), platform: linux });
    expect(none.message).toMatch(/install xdotool, and no clipboard tool either \(install xclip or xsel\)/);
    const headless = await describeOutputSupport({ env: stubs.env(), platform: linux });
    expect(headless.message).toMatch(/no graphical session found/);
  });

  it('reports typing as unsupported on macOS and Windows (clipboard only)', async () => {
    await stubs.add('pbcopy');
    await stubs.add('pbpaste');
    const mac = await describeOutputSupport({ env: stubs.env(), platform: 'darwin' });
    expect(mac).toMatchObject({ typing: null, clipboard: 'pbcopy', displayServer: 'none' });
    expect(mac.message).toBe(
      'typing into other apps is not supported on macOS yet; transcripts go to the clipboard instead',
    );
    const win = await describeOutputSupport({ env: stubs.env(), platform: 'win32' });
    expect(win.message).toMatch(/not supported on Windows yet/);
  });

  it('warns when ydotool is chosen but its daemon socket is missing', async () => {
    await stubs.add('ydotool');
    const missing = path.join(stubs.dir, 'no-such-socket');
    const env = stubs.env({ WAYLAND_DISPLAY: 'wayland-0', YDOTOOL_SOCKET: missing });
    const support = await describeOutputSupport({ env, platform: linux });
    expect(support.typing?.name).toBe('ydotool');
    expect(support.warnings[0]).toMatch(/ydotoold/);
    expect(support.warnings[0]).toContain(missing);

    const present = path.join(stubs.dir, 'socket');
    await writeFile(present, '');
    const ok = await describeOutputSupport({ env: { ...env, YDOTOOL_SOCKET: present }, platform: linux });
    expect(ok.warnings.some((w) => w.includes('ydotoold'))).toBe(false);
  });
});
