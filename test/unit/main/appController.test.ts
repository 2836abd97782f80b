import { describe, expect, it } from 'vitest';
import { AppController } from '../../../electron/main/appController';
import type { AppState } from '../../../electron/main/appState';
import type { SettingsWarning } from '../../../electron/main/settingsStore';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import { FakeSupervisor } from './fakeSupervisor';
import { STATUS, settle } from './fakes';

function rig(trayClick: Settings['app']['trayClick'] = DEFAULT_SETTINGS.app.trayClick) {
  const supervisor = new FakeSupervisor();
  const adopted: Settings[] = [];
  const settings = {
    current: { ...DEFAULT_SETTINGS, app: { ...DEFAULT_SETTINGS.app, trayClick } },
    warning: null as SettingsWarning | null,
    onWarning: () => () => undefined,
    dismissWarning: () => undefined,
    adopt: (s: Settings) => void adopted.push(s),
  };
  const clock = { t: 0, now: () => clock.t };
  const notes: { title: string; body: string }[] = [];
  const calls: string[] = [];
  let state: AppState | null = null;
  const controller = new AppController({
    supervisor,
    settings,
    clock,
    render: (s) => (state = s),
    notify: (n) => notes.push(n),
    showPopover: () => calls.push('popover'),
    togglePopover: () => calls.push('toggle-popover'),
    showSettings: () => calls.push('settings'),
    quit: () => calls.push('quit'),
  });
  const current = (): AppState => {
    if (!state) throw new Error('never rendered');
    return state;
  };
  return { supervisor, controller, notes, calls, current, adopted, clock };
}

describe('AppController', () => {
  it('renders the supervisor state, then the engine status once live, and adopts its settings', async () => {
    const { supervisor, current, adopted } = rig();
    expect(current().engine.state).toBe('starting');
    supervisor.goLive();
    await settle();
    expect(current().engine.state).toBe('live');
    expect(current().status).toEqual(STATUS);
    expect(adopted).toEqual([DEFAULT_SETTINGS]);
  });

  it('follows the pushed status, never asking again after the first; a level change notifies at once', async () => {
    const { supervisor, current, notes } = rig();
    const engine = supervisor.goLive();
    await settle();
    expect(engine.requests.filter((r) => r === 'status')).toHaveLength(1);
    engine.emit({ type: 'status', status: { ...STATUS, usage: 0.9, usedMiB: 7200, freeMiB: 800 } });
    await settle();
    expect(current().status).toMatchObject({ usage: 0.9, usedMiB: 7200, freeMiB: 800 });
    engine.emit({ type: 'level', from: 'CRITICAL', to: 'EMERGENCY', usage: 0.96 });
    await settle();
    // The tray turns red with the level event itself, before the status that follows it.
    expect(current().status).toMatchObject({ level: 'EMERGENCY', usage: 0.96 });
    expect(notes.map((n) => n.title)).toEqual(['GPU memory critical: speech models moving to the CPU']);
    const evacuated = { ...STATUS, level: 'EMERGENCY' as const, usage: 0.96, restoreBlocker: 'EMERGENCY' };
    engine.emit({ type: 'status', status: evacuated });
    await settle();
    expect(current().status).toEqual(evacuated);
    expect(engine.requests.filter((r) => r === 'status')).toHaveLength(1);
  });

  it('a status answer older than a pushed status does not overwrite it', async () => {
    const { supervisor, current } = rig();
    const engine = supervisor.goLive();
    // Pushed before the answer to the first `status` call arrives.
    engine.emit({ type: 'status', status: { ...STATUS, level: 'WARNING', usage: 0.85 } });
    await settle();
    expect(current().status).toMatchObject({ level: 'WARNING', usage: 0.85 });
  });

  it('adopts settings the engine pushes (saved from the Settings window), no window closing needed', async () => {
    const { supervisor, adopted } = rig();
    const engine = supervisor.goLive();
    await settle();
    const saved = { ...DEFAULT_SETTINGS, speech: { ...DEFAULT_SETTINGS.speech, hotkey: 'Alt+Shift+K' } };
    engine.emit({ type: 'settings', settings: saved });
    await settle();
    expect(adopted).toEqual([DEFAULT_SETTINGS, saved]);
  });

  it('Dictate starts the engine’s recorder and Stop stops it', async () => {
    const { supervisor, controller, current } = rig();
    const engine = supervisor.goLive();
    await settle();
    await controller.run('toggle-dictation');
    expect(current().dictation).toBe('listening');
    await controller.run('toggle');
    expect(current().dictation).toBe('idle');
    expect(engine.requests.filter((r) => r.startsWith('dictation'))).toEqual([
      'dictation.start',
      'dictation.stop',
    ]);
  });

  it('a tray click dictates by default: the first starts the engine’s recorder, the second stops it', async () => {
    const { supervisor, controller, calls, current } = rig();
    const engine = supervisor.goLive();
    await settle();
    await controller.run('tray-click');
    expect(current().dictation).toBe('listening');
    await controller.run('tray-click');
    expect(current().dictation).toBe('idle');
    expect(engine.requests.filter((r) => r.startsWith('dictation'))).toEqual([
      'dictation.start',
      'dictation.stop',
    ]);
    expect(calls).toEqual([]);
  });

  it('a tray click opens (or closes) the window instead when app.trayClick is "window"', async () => {
    const { supervisor, controller, calls } = rig('window');
    const engine = supervisor.goLive();
    await settle();
    await controller.run('tray-click');
    await controller.run('tray-click');
    expect(calls).toEqual(['toggle-popover', 'toggle-popover']);
    expect(engine.requests.filter((r) => r.startsWith('dictation'))).toEqual([]);
  });

  it('follows listening → transcribing → stopped from the engine; a press while transcribing does nothing', async () => {
    const { supervisor, controller, current } = rig();
    const engine = supervisor.goLive();
    await settle();
    engine.emit({ type: 'dictation', state: 'listening', source: 'push', queued: 0 });
    await settle();
    expect(current().dictation).toBe('listening');
    engine.emit({ type: 'dictation', state: 'transcribing', source: 'push', queued: 0 });
    await settle();
    expect(current().dictation).toBe('transcribing');
    await controller.run('tray-click');
    expect(engine.requests.filter((r) => r.startsWith('dictation'))).toEqual([]);
    engine.emit({ type: 'dictation', state: 'stopped', source: 'push', queued: 0 });
    await settle();
    expect(current().dictation).toBe('idle');
  });

  it('a refused Restore to GPU tells the user why', async () => {
    const { supervisor, controller, notes } = rig();
    supervisor.goLive();
    await settle();
    await controller.run('restore-gpu');
    expect(notes).toContainEqual({
      title: 'Restore to GPU did not happen',
      body: 'GPU memory is at the EMERGENCY level (96.0% used)',
    });
  });

  it('a command given before the engine is live runs once it is (swictation --toggle at launch)', async () => {
    const { supervisor, controller } = rig();
    await controller.run('toggle');
    const engine = supervisor.goLive();
    await settle();
    expect(engine.requests).toContain('dictation.start');
  });

  it('a failed engine is announced once, and engine commands say to restart it', async () => {
    const { supervisor, controller, notes, current } = rig();
    supervisor.goLive();
    await settle();
    supervisor.set({ state: 'failed', message: 'the engine crashed 5 times within 60 s' });
    supervisor.set({ state: 'failed', message: 'the engine crashed 5 times within 60 s' });
    expect(notes.filter((n) => n.title === 'The Swictation engine stopped')).toHaveLength(1);
    expect(current().dictation).toBe('idle');
    await controller.run('restore-gpu');
    expect(notes.at(-1)?.title).toBe('The Swictation engine is not running');
    await controller.run('restart-engine');
    expect(supervisor.restarts).toBe(1);
  });

  it('window and app actions go to the injected handlers', async () => {
    const { controller, calls } = rig();
    await controller.run('open');
    await controller.run('settings');
    await controller.run('quit');
    expect(calls).toEqual(['popover', 'settings', 'quit']);
  });
});
