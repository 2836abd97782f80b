import { describe, expect, it } from 'vitest';
import {
  followLaunchAtLogin,
  launchAtLoginUnsupported,
  type LoginItemApi,
} from '../../../electron/main/launchAtLogin';
import { SettingsStore, type SettingsFileIo } from '../../../electron/main/settingsStore';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';

/** app.getLoginItemSettings / setLoginItemSettings as Electron keeps them: one flag, every write recorded. */
function loginItems(openAtLogin = false) {
  const writes: boolean[] = [];
  const api: LoginItemApi = {
    getLoginItemSettings: () => ({ openAtLogin }),
    setLoginItemSettings: (s) => {
      openAtLogin = s.openAtLogin;
      writes.push(s.openAtLogin);
    },
  };
  return {
    api,
    writes,
    get open() {
      return openAtLogin;
    },
  };
}

async function storeWith(launchAtLogin: boolean) {
  const settings: Settings = { ...DEFAULT_SETTINGS, app: { ...DEFAULT_SETTINGS.app, launchAtLogin } };
  const io: SettingsFileIo = {
    load: (file) => Promise.resolve({ settings, path: file, problem: null }),
    save: () => Promise.resolve(),
  };
  const store = new SettingsStore('/nowhere/settings.json', io);
  await store.load();
  return store;
}

const withLaunch = (on: boolean): Settings => ({
  ...DEFAULT_SETTINGS,
  app: { ...DEFAULT_SETTINGS.app, launchAtLogin: on },
});

describe('launch at login', () => {
  it('is applied from the setting at start and follows every change main adopts (macOS, Windows)', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const store = await storeWith(true);
      const items = loginItems(false);
      followLaunchAtLogin(store, items.api, { platform, packaged: true });
      expect(items.open).toBe(true);
      store.adopt(withLaunch(false)); // saved in Settings: the engine pushes it, main adopts it
      expect(items.open).toBe(false);
      store.adopt({ ...withLaunch(false), speech: { ...DEFAULT_SETTINGS.speech, hotkey: 'Alt+K' } });
      // Unchanged: the login item is not rewritten for an unrelated setting.
      expect(items.writes).toEqual([true, false]);
    }
  });

  it('leaves the login item alone where Electron has none (Linux) and in a development run', async () => {
    const store = await storeWith(true);
    for (const where of [
      { platform: 'linux', packaged: true },
      { platform: 'darwin', packaged: false },
    ] as const) {
      const items = loginItems(false);
      followLaunchAtLogin(store, items.api, where);
      store.adopt(withLaunch(false));
      store.adopt(withLaunch(true));
      expect(items.writes).toEqual([]);
      expect(launchAtLoginUnsupported(where)).toMatch(/desktop|installed app/);
    }
    expect(launchAtLoginUnsupported({ platform: 'win32', packaged: true })).toBeNull();
  });
});
