import { describe, expect, it } from 'vitest';
import { AppController } from '../../../electron/main/appController';
import { followHotkeySetting, HotkeyBinding, type ShortcutApi } from '../../../electron/main/hotkey';
import { SettingsStore, type SettingsFileIo } from '../../../electron/main/settingsStore';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import { FakeSupervisor } from './fakeSupervisor';
import { settle } from './fakes';

/**
 * Main's wiring as index.ts builds it, Electron aside: the engine's events reach the AppController, which
 * adopts pushed settings into the real SettingsStore, whose changes re-bind the real HotkeyBinding.
 */
function wiring() {
  const shortcuts = new Map<string, () => void>();
  const api: ShortcutApi = {
    register: (acc, cb) => (shortcuts.has(acc) ? false : (shortcuts.set(acc, cb), true)),
    unregister: (acc) => void shortcuts.delete(acc),
  };
  const reads: string[] = [];
  const io: SettingsFileIo = {
    load: (file) => {
      reads.push(file);
      return Promise.resolve({ settings: DEFAULT_SETTINGS, path: file, problem: null });
    },
    save: () => Promise.resolve(),
  };
  const store = new SettingsStore('/nowhere/settings.json', io);
  const supervisor = new FakeSupervisor();
  const presses: string[] = [];
  let hotkeyProblem: string | null = 'not bound yet';
  const controller = new AppController({
    supervisor,
    settings: store,
    clock: { now: () => 0 },
    render: (s) => void (hotkeyProblem = s.hotkeyProblem),
    notify: () => undefined,
    showPopover: () => undefined,
    togglePopover: () => undefined,
    showSettings: () => undefined,
    quit: () => undefined,
  });
  const binding = new HotkeyBinding(api, () => presses.push('toggle'), false);
  followHotkeySetting(store, binding, (problem) => controller.setHotkeyProblem(problem));
  return { shortcuts, reads, store, supervisor, presses, problem: () => hotkeyProblem };
}

const withHotkey = (hotkey: string): Settings => ({
  ...DEFAULT_SETTINGS,
  speech: { ...DEFAULT_SETTINGS.speech, hotkey },
});

describe('main re-binds the hotkey from the engine’s settings event', () => {
  it('a hotkey saved in the open Settings window is bound at once, without re-reading settings.json', async () => {
    const w = wiring();
    await w.store.load();
    expect([...w.shortcuts.keys()]).toEqual(['CommandOrControl+Shift+D']);
    const engine = w.supervisor.goLive();
    await settle();
    const readsBefore = w.reads.length;
    // The Settings window saved through its own port; the engine tells every client, main included.
    engine.emit({ type: 'settings', settings: withHotkey('Alt+Shift+K') });
    await settle();
    expect([...w.shortcuts.keys()]).toEqual(['Alt+Shift+K']);
    w.shortcuts.get('Alt+Shift+K')?.();
    expect(w.presses).toEqual(['toggle']);
    expect(w.problem()).toBeNull();
    expect(w.reads.length).toBe(readsBefore);
  });

  it('a hotkey that cannot be bound is reported, and the next good one clears the problem', async () => {
    const w = wiring();
    const engine = w.supervisor.goLive();
    await settle();
    engine.emit({ type: 'settings', settings: withHotkey('K') });
    await settle();
    expect(w.problem()).toMatch(/has no modifier/);
    expect(w.shortcuts.size).toBe(0);
    engine.emit({ type: 'settings', settings: withHotkey('Super+K') });
    await settle();
    expect(w.problem()).toBeNull();
    expect([...w.shortcuts.keys()]).toEqual(['Super+K']);
  });
});
