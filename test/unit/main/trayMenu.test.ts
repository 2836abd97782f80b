import { describe, expect, it, vi } from 'vitest';
import { INITIAL_APP_STATE, type AppState } from '../../../electron/main/appState';
import {
  buildTrayMenu,
  menuAttachment,
  toMenuTemplate,
  type TrayMenuItem,
} from '../../../electron/main/trayMenu';
import { STATUS } from './fakes';

const live: AppState = {
  ...INITIAL_APP_STATE,
  engine: { state: 'live', message: null, settingsError: null },
  status: STATUS,
};

function action(items: TrayMenuItem[], name: string) {
  const item = items.find((i) => i.kind === 'action' && i.action === name);
  if (!item || item.kind !== 'action') throw new Error(`no ${name} item`);
  return item;
}

const labels = (items: TrayMenuItem[]) => items.map((i) => (i.kind === 'separator' ? '—' : i.label));
/** The status line: the menu's first info item (after Dictate and Open). */
const statusLine = (items: TrayMenuItem[]) => items.find((i) => i.kind === 'info')?.label;

describe('buildTrayMenu', () => {
  it('always has Dictate, Restore to GPU, Open, Settings and Quit (Linux indicators ignore clicks)', () => {
    for (const state of ['idle', 'starting', 'live', 'restarting', 'failed', 'stopped'] as const) {
      const items = buildTrayMenu({ ...live, engine: { state, message: 'x', settingsError: null } });
      for (const a of ['toggle-dictation', 'restore-gpu', 'open', 'settings', 'quit'])
        expect(action(items, a)).toBeDefined();
      expect(action(items, 'open').enabled).toBe(true);
      expect(action(items, 'quit').enabled).toBe(true);
    }
  });

  it('starts with Dictate then Open (Linux indicators deliver no clicks), the status line after them', () => {
    for (const state of ['idle', 'starting', 'live', 'restarting', 'failed', 'stopped'] as const) {
      const items = buildTrayMenu({ ...live, engine: { state, message: 'x', settingsError: null } });
      const actions = items.flatMap((i) => (i.kind === 'action' ? [i.action] : []));
      expect(actions.slice(0, 2)).toEqual(['toggle-dictation', 'open']);
      expect(items[0]).toMatchObject({ kind: 'action', action: 'toggle-dictation' });
    }
    expect(labels(buildTrayMenu(live)).slice(0, 4)).toEqual([
      'Dictate',
      'Open Swictation',
      '—',
      'NORMAL · GPU 50.0% (4000 / 8000 MiB)',
    ]);
  });

  it('Dictate becomes Stop while listening, and waits (disabled) while the last words are transcribed', () => {
    expect(action(buildTrayMenu(live), 'toggle-dictation')).toMatchObject({
      label: 'Dictate',
      enabled: true,
    });
    expect(action(buildTrayMenu({ ...live, dictation: 'listening' }), 'toggle-dictation')).toMatchObject({
      label: 'Stop dictating',
      enabled: true,
    });
    expect(action(buildTrayMenu({ ...live, dictation: 'transcribing' }), 'toggle-dictation')).toMatchObject({
      label: 'Transcribing the last words…',
      enabled: false,
    });
    const down = buildTrayMenu({
      ...live,
      engine: { state: 'restarting', message: null, settingsError: null },
    });
    expect(action(down, 'toggle-dictation')).toMatchObject({ enabled: false });
  });

  it('disables Restore to GPU with the engine’s reason, and enables it when nothing blocks it', () => {
    const blocked = buildTrayMenu({
      ...live,
      status: {
        ...STATUS,
        level: 'EMERGENCY',
        restoreBlocker: 'GPU memory is at the EMERGENCY level (96.0% used)',
      },
    });
    expect(action(blocked, 'restore-gpu')).toMatchObject({
      enabled: false,
      label: 'Restore to GPU — GPU memory is at the EMERGENCY level (96.0% used)',
    });
    const free = buildTrayMenu({ ...live, status: { ...STATUS, restoreBlocker: null } });
    expect(action(free, 'restore-gpu')).toMatchObject({ enabled: true, label: 'Restore to GPU' });
  });

  it('counts offloaded models in the status line', () => {
    const stt = STATUS.models[0];
    if (!stt) throw new Error('fixture');
    const items = buildTrayMenu({
      ...live,
      status: { ...STATUS, level: 'EMERGENCY', usage: 0.96, models: [{ ...stt, device: 'cpu' }] },
    });
    expect(statusLine(items)).toMatch(/^EMERGENCY · GPU 96\.0% .* · 1 model on CPU$/);
  });

  it('while the engine restarts: says so, Dictate and Restore disabled', () => {
    const items = buildTrayMenu({
      ...live,
      engine: { state: 'restarting', message: 'crashed', settingsError: null },
    });
    expect(statusLine(items)).toBe('Swictation: the engine stopped; restarting…');
    expect(action(items, 'toggle-dictation').enabled).toBe(false);
    expect(action(items, 'restore-gpu')).toMatchObject({
      enabled: false,
      label: 'Restore to GPU (engine not running)',
    });
    expect(items.some((i) => i.kind === 'action' && i.action === 'restart-engine')).toBe(false);
  });

  it('a failed engine is visible, with a Restart engine item', () => {
    const items = buildTrayMenu({
      ...live,
      engine: { state: 'failed', message: 'the engine crashed 5 times within 60 s', settingsError: null },
    });
    expect(statusLine(items)).toBe('Engine failed: the engine crashed 5 times within 60 s');
    expect(action(items, 'restart-engine').enabled).toBe(true);
  });

  it('shows a settings reset warning with a dismiss item, a settings error and a hotkey problem', () => {
    const items = buildTrayMenu({
      ...live,
      settingsWarning: { message: 'corrupt', keptAs: '/cfg/settings.json.corrupt-1' },
      engine: { state: 'live', message: null, settingsError: 'the engine refused the saved settings: x' },
      hotkeyProblem: 'Ctrl+Shift+D could not be registered',
    });
    expect(action(items, 'dismiss-settings-warning').label).toBe(
      'Settings were reset to defaults (old file kept as /cfg/settings.json.corrupt-1) — dismiss',
    );
    expect(labels(items)).toContain('the engine refused the saved settings: x');
    expect(labels(items)).toContain('Shortcut: Ctrl+Shift+D could not be registered');
  });

  it('no GPU: says the CPU is used', () => {
    expect(statusLine(buildTrayMenu({ ...live, status: { ...STATUS, gpu: null } }))).toBe(
      'No GPU: running on the CPU',
    );
  });
});

describe('toMenuTemplate', () => {
  it('maps items to Electron menu options and routes clicks to one handler', () => {
    const onAction = vi.fn();
    const template = toMenuTemplate(buildTrayMenu(live), onAction);
    expect(template[0]).toMatchObject({ id: 'toggle-dictation', label: 'Dictate', enabled: true });
    expect(template[2]).toEqual({ type: 'separator' });
    expect(template[3]).toEqual({ label: 'NORMAL · GPU 50.0% (4000 / 8000 MiB)', enabled: false });
    template[0]?.click?.({} as never, undefined, {});
    expect(onAction).toHaveBeenCalledWith('toggle-dictation');
    const quit = template.find((t) => t.id === 'quit');
    expect(quit).toMatchObject({ label: 'Quit', enabled: true });
    quit?.click?.({} as never, undefined, {});
    expect(onAction).toHaveBeenCalledWith('quit');
  });
});

describe('menuAttachment', () => {
  it('keeps the left click for dictating: macOS pops the menu up on a right click, others attach it', () => {
    expect(menuAttachment('darwin')).toBe('right-click-pop-up');
    expect(menuAttachment('win32')).toBe('context-menu');
    expect(menuAttachment('linux')).toBe('context-menu');
  });
});
