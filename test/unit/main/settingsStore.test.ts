import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppController } from '../../../electron/main/appController';
import type { AppState } from '../../../electron/main/appState';
import { SettingsStore } from '../../../electron/main/settingsStore';
import { buildTrayMenu } from '../../../electron/main/trayMenu';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { FakeSupervisor } from './fakeSupervisor';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swictation-main-settings-'));
  file = join(dir, 'settings.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SettingsStore on a real folder', () => {
  it('no file: defaults, no warning', async () => {
    const store = new SettingsStore(file);
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    expect(store.warning).toBeNull();
  });

  it('saves atomically and reads back what it saved', async () => {
    const store = new SettingsStore(file);
    const wanted = { ...DEFAULT_SETTINGS, speech: { ...DEFAULT_SETTINGS.speech, hotkey: 'Alt+D' } };
    expect(await store.update(wanted)).toEqual({ ok: true, settings: wanted });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(wanted);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = new SettingsStore(file);
    expect(await again.load()).toEqual(wanted);
  });

  it('refuses invalid settings naming the field, and leaves the file alone', async () => {
    const store = new SettingsStore(file);
    const bad = {
      ...DEFAULT_SETTINGS,
      memory: {
        ...DEFAULT_SETTINGS.memory,
        thresholds: { warning: 0.95, critical: 0.9, emergency: 0.97, restore: 0.6 },
      },
    };
    expect(await store.update(bad)).toEqual({
      ok: false,
      errors: ['warning threshold 0.95 must be below critical 0.90'],
    });
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  it('a corrupt file: defaults, the file kept aside untouched, and a visible warning in the tray', async () => {
    await writeFile(file, '{"memory": {"intervalMs": 2000,');
    const store = new SettingsStore(file);
    expect(await store.load()).toEqual(DEFAULT_SETTINGS);
    const warning = store.warning;
    expect(warning?.message).toMatch(/could not be used \(not valid JSON: .*\); using defaults/);
    const kept = (await readdir(dir)).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(warning?.keptAs).toBe(join(dir, kept[0] ?? ''));
    expect(await readFile(join(dir, kept[0] ?? ''), 'utf8')).toBe('{"memory": {"intervalMs": 2000,');

    // Visible: a notification at start and a tray menu item until dismissed.
    const notes: string[] = [];
    let state: AppState | null = null;
    const controller = new AppController({
      supervisor: new FakeSupervisor(),
      settings: store,
      clock: { now: () => 0 },
      render: (s) => (state = s),
      notify: (n) => notes.push(`${n.title}: ${n.body}`),
      showPopover: () => undefined,
      togglePopover: () => undefined,
      showSettings: () => undefined,
      quit: () => undefined,
    });
    expect(notes[0]).toMatch(/^Swictation settings were reset: .*could not be used/);
    const menuLabels = () =>
      state ? buildTrayMenu(state).map((i) => (i.kind === 'separator' ? '' : i.label)) : [];
    expect(menuLabels().some((l) => l.startsWith('Settings were reset to defaults (old file kept as'))).toBe(
      true,
    );
    await controller.run('dismiss-settings-warning');
    expect(store.warning).toBeNull();
    expect(menuLabels().some((l) => l.startsWith('Settings were reset'))).toBe(false);
  });

  it('a schema-invalid file is also kept aside, with the reason', async () => {
    await writeFile(file, JSON.stringify({ memory: { intervalMs: 5 } }));
    const store = new SettingsStore(file);
    await store.load();
    expect(store.warning?.message).toMatch(/invalid settings: sampling interval must be at least 20 ms/);
    expect(store.warning?.keptAs).toMatch(/settings\.json\.corrupt-/);
  });

  it('reload() picks up what the engine saved, and keeps our settings if the file went bad', async () => {
    const store = new SettingsStore(file);
    await store.load();
    const changes: number[] = [];
    store.onChange((s) => changes.push(s.memory.gpuErrorLimit));
    const saved = { ...DEFAULT_SETTINGS, memory: { ...DEFAULT_SETTINGS.memory, gpuErrorLimit: 9 } };
    await writeFile(file, JSON.stringify(saved)); // as the engine's settings.set does
    expect(await store.reload()).toEqual(saved);
    expect(changes).toEqual([9]);
    await writeFile(file, 'garbage');
    expect(await store.reload()).toEqual(saved);
    expect(store.warning?.keptAs).toMatch(/corrupt-/);
  });
});
