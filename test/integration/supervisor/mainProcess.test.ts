import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEVEL_COLORS, NOT_LIVE_COLOR } from '../../../electron/main/trayIcon';
import { fake, type FakeBrowserWindow, type FakeUtilityProcess } from './fakeElectron';

// electron/main/index.ts runs for real against a stand-in `electron` module; the engine it
// supervises is the real one (forked through electron/main/engineBoot.mjs, as in development).
vi.mock('electron', () => import('./fakeElectron'));

const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  settings: { intervalMs: 100 },
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  steps: [{ atMs: 0, externalMiB: 1000 }],
};

let home: string;
const savedArgv = process.argv;
const savedHome = process.env['SWICTATION_HOME'];

const tray = () => {
  const t = fake.trays[0];
  if (!t) throw new Error('no tray was created');
  return t;
};
const labels = () => tray().menu.map((i) => i.label ?? '—');
const lastUtility = (): FakeUtilityProcess => {
  const u = fake.utilities.at(-1);
  if (!u) throw new Error('no engine was forked');
  return u;
};
const popover = (): FakeBrowserWindow => {
  const w = fake.windows.find((x) => x.loaded?.endsWith('view=popover'));
  if (!w) throw new Error('no window');
  return w;
};

let nextRequestId = 1_000_000;
/** A request on the engine's own channel, answered to us (main's client ignores an answer it did not ask for). */
function engineRequest(
  u: FakeUtilityProcess,
  method: string,
  params: object,
): Promise<Record<string, unknown>> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const onMessage = (m: {
      kind?: string;
      id?: number;
      ok?: boolean;
      result?: unknown;
      error?: unknown;
    }) => {
      if (m.kind !== 'response' || m.id !== id) return;
      u.child.off('message', onMessage);
      if (m.ok) resolve(m.result as Record<string, unknown>);
      else reject(new Error(JSON.stringify(m.error)));
    };
    u.child.on('message', onMessage);
    u.child.send({ v: 1, kind: 'request', id, method, params });
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-main-'));
  const scenarioFile = join(home, 'scenario.json');
  await writeFile(scenarioFile, JSON.stringify(scenario));
  await writeFile(join(home, 'settings.json'), '{ not json');
  process.env['SWICTATION_HOME'] = home;
  process.argv = [...savedArgv, '--scenario', scenarioFile, '--speech', 'off'];
  await import('../../../electron/main/index');
});

afterAll(async () => {
  process.argv = savedArgv;
  if (savedHome === undefined) delete process.env['SWICTATION_HOME'];
  else process.env['SWICTATION_HOME'] = savedHome;
  for (const u of fake.utilities)
    if (u.child.exitCode === null && u.child.signalCode === null) u.child.kill('SIGKILL');
  await rm(home, { recursive: true, force: true });
});

describe('the Electron main process wiring (fake Electron, real engine)', () => {
  it('starts the engine in the user data folder and shows live usage in the tray', async () => {
    expect(fake.paths.get('userData')).toBe(home);
    expect(fake.lockData).toEqual({ argv: process.argv });
    await expect
      .poll(() => tray().tooltip, { timeout: 45_000 })
      .toMatch(/^Swictation — GPU \d+\.\d% \(\d+ \/ 8000 MiB\) · NORMAL$/);
    expect(tray().image).toEqual({ color: LEVEL_COLORS.NORMAL });
    const u = lastUtility();
    expect(u.entry).toMatch(/electron\/main\/engineBoot\.mjs$/);
    expect(u.args).toEqual(['--scenario', join(home, 'scenario.json'), '--speech', 'off']);
    expect(u.options.env?.['SWICTATION_HOME']).toBe(home);
    expect(labels()).toEqual(
      expect.arrayContaining([
        'Dictate',
        'Restore to GPU — every model that prefers the GPU is already on it',
        'Open Swictation',
        'Settings…',
        'Quit',
      ]),
    );
    expect(fake.shortcuts.has('CommandOrControl+Shift+D')).toBe(true);
  });

  it('registers app:// as privileged before ready and serves out/renderer through it on the default session', async () => {
    expect(fake.privilegedSchemes).toEqual([
      {
        schemes: [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }],
        beforeReady: true,
      },
    ]);
    const handler = fake.protocolHandlers.get('app');
    if (!handler) throw new Error('app:// is not handled on the default session');
    expect([...fake.protocolHandlers.keys()]).toEqual(['app']);
    // The handler is the renderer folder's: nothing above it is reachable (404, or 500 where the renderer
    // is not built in this checkout), another host is refused.
    const above = await handler(new Request('app://swictation/../package.json'));
    expect(above.status).not.toBe(200);
    expect(await above.text()).not.toContain('"name"');
    expect((await handler(new Request('app://swictation/..%2fpackage.json'))).status).toBe(403);
    expect((await handler(new Request('app://evil/index.html'))).status).toBe(403);
  });

  it('a corrupt settings file: defaults, kept aside, a notification and a tray item', async () => {
    expect((await readdir(home)).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    expect(fake.notifications.map((n) => n.title)).toContain('Swictation settings were reset');
    expect(labels().some((l) => l.startsWith('Settings were reset to defaults (old file kept as'))).toBe(
      true,
    );
  });

  it('a second launch opens the sandboxed popover top-right; its port request is checked and brokered', () => {
    fake.app.emit('second-instance', {}, ['swictation', '--allow-file-access'], '/', {
      argv: ['swictation', '--open'],
    });
    const win = popover();
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.options.webPreferences['preload']).toMatch(/out\/app\/preload\/index\.cjs$/);
    expect(win.loaded).toBe('app://swictation/index.html?view=popover');
    // The default session (the one app:// is served on): no partition or session of its own.
    expect(win.options.webPreferences).not.toHaveProperty('partition');
    expect(win.options.webPreferences).not.toHaveProperty('session');
    expect(win.visible).toBe(true);
    expect(win.bounds).toMatchObject({ x: 1920 - 380 - 8, y: 35 });
    expect(win.webContents.openHandler?.()).toEqual({ action: 'deny' });

    const request = fake.ipc.get('swictation:request-engine-port');
    if (!request) throw new Error('no IPC handler');
    // A frame that is not our page gets nothing.
    request({ sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } });
    // Nor does an iframe inside our page.
    request({ sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url, parent: {} } });
    expect(win.webContents.posted).toHaveLength(0);
    request({ sender: win.webContents, senderFrame: win.webContents.mainFrame });
    expect(win.webContents.posted.map((p) => p.channel)).toEqual(['swictation:engine-port']);
    expect(lastUtility().attached.map((a) => a.message)).toEqual([
      { kind: 'attach-port', client: `window:${win.id}` },
    ]);
  });

  it('installing an unverified model: only our page may ask, main asks the user in its own dialog, and a yes reaches the engine', async () => {
    const win = popover();
    const confirm = fake.ipcHandlers.get('swictation:confirm-unverified-model');
    if (!confirm) throw new Error('no consent handler');
    const ask = (senderFrame: unknown, id: unknown = 'parakeet-ctc-0.6b') =>
      confirm({ sender: win.webContents, senderFrame }, id);
    fake.dialogResponse = 1;
    expect(await ask({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(await ask(win.webContents.mainFrame, '../../etc')).toBe(false);
    expect(fake.dialogs).toHaveLength(0);
    fake.dialogResponse = 0;
    expect(await ask(win.webContents.mainFrame)).toBe(false);
    fake.dialogResponse = 1;
    expect(await ask(win.webContents.mainFrame)).toBe(true);
    expect(fake.dialogs).toEqual([
      expect.objectContaining({ message: 'Install parakeet-ctc-0.6b without a confirmed checksum?' }),
      expect.objectContaining({ message: 'Install parakeet-ctc-0.6b without a confirmed checksum?' }),
    ]);
  });

  it('a hotkey saved while the Settings window is open is bound at once: the engine pushes the change', async () => {
    tray()
      .menu.find((i) => i.id === 'settings')
      ?.click?.();
    const settingsWindow = fake.windows.find((w) => w.loaded?.endsWith('view=settings'));
    expect(settingsWindow?.visible).toBe(true);
    // The window saves through its own port (not deliverable through this fake); the engine's side is the same.
    const current = await engineRequest(lastUtility(), 'settings.get', {});
    const hotkey = 'Alt+Shift+J';
    const settings = { ...current, speech: { ...(current['speech'] as object), hotkey } };
    await engineRequest(lastUtility(), 'settings.set', { settings });
    await expect.poll(() => [...fake.shortcuts.keys()], { timeout: 5000 }).toEqual([hotkey]);
    expect(settingsWindow?.visible).toBe(true);
  });

  it('the overlay window is made once the engine is live, hidden and unfocusable, on the same hardened page', () => {
    const overlay = fake.windows.find((w) => w.loaded?.endsWith('view=overlay'));
    expect(overlay?.options).toMatchObject({
      show: false,
      focusable: false,
      alwaysOnTop: true,
      skipTaskbar: true,
    });
    expect(overlay?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(overlay?.visible).toBe(false);
  });

  it('the menu starts with Dictate then Open; a left click dictates, or opens the window when app.trayClick is "window"', async () => {
    expect(labels().slice(0, 2)).toEqual(['Dictate', 'Open Swictation']);
    const win = popover();
    const visible = win.visible;
    const notes = fake.notifications.length;
    tray().click();
    // The click reached dictation.start through the controller; this engine runs with --speech off, so it says no.
    await expect
      .poll(() => fake.notifications.slice(notes).map((n) => `${n.title}: ${n.body}`), { timeout: 5000 })
      .toEqual(['Swictation: dictation failed: speech is not enabled in this engine']);
    expect(win.visible).toBe(visible);
    // Saved in Settings: the engine pushes it, main adopts it (the hotkey changed with it shows when).
    const current = await engineRequest(lastUtility(), 'settings.get', {});
    const settings = {
      ...current,
      app: { ...(current['app'] as object), trayClick: 'window' },
      speech: { ...(current['speech'] as object), hotkey: 'Alt+Shift+K' },
    };
    await engineRequest(lastUtility(), 'settings.set', { settings });
    await expect.poll(() => [...fake.shortcuts.keys()], { timeout: 5000 }).toEqual(['Alt+Shift+K']);
    win.hide();
    tray().click();
    expect(win.visible).toBe(true);
    tray().click();
    expect(win.visible).toBe(false);
    expect(fake.notifications.length).toBe(notes + 1);
    // Launch at login: Electron has no login items on Linux, so main leaves the desktop's autostart alone.
    expect(fake.loginItems).toEqual([]);
  });

  it('a killed engine: the tray shows it restarting, then live again, and the window gets a fresh port', async () => {
    const first = lastUtility();
    const pid = first.pid;
    if (pid === undefined) throw new Error('no pid');
    process.kill(pid, 'SIGKILL');
    await expect
      .poll(() => tray().tooltip, { timeout: 10_000 })
      .toBe('Swictation — the engine stopped; restarting…');
    expect(tray().image).toEqual({ color: NOT_LIVE_COLOR });
    await expect.poll(() => fake.utilities.length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => tray().tooltip, { timeout: 45_000 }).toMatch(/· NORMAL$/);
    expect(popover().webContents.posted).toHaveLength(2);
    expect(lastUtility().attached).toHaveLength(1);
  });

  it('Quit stops the engine before the app goes', async () => {
    const u = lastUtility();
    const exited = new Promise((r) => u.child.once('exit', r));
    const quit = tray().menu.find((i) => i.id === 'quit');
    quit?.click?.();
    await exited;
    await expect.poll(() => fake.quitCalls).toBe(2); // the first was held until the engine stopped
  });
});
