import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineSession } from '../../../renderer/engine/session';
import { createAppStore } from '../../../renderer/store/appStore';
import { EngineClient } from '../../../shared/engineClient';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { FakeEngine, settle } from '../main/fakes';
import { sample, status } from './fixtures';

/**
 * The renderer's engine session on a fake clock: it asks for the status once when a link goes live and takes
 * every later status from the engine's `status` events. No poll, no refresh after events.
 */
function connected() {
  const store = createAppStore();
  const engine = new FakeEngine({ announce: false });
  engine.status = status();
  const client = new EngineClient(engine.port);
  const session = new EngineSession(store);
  const statusCalls = () => engine.requests.filter((r) => r === 'status').length;
  return { store, engine, client, session, statusCalls };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('EngineSession', () => {
  it('the overlay’s session asks only for what its port may read: status, dictation, settings and info', async () => {
    const r = connected();
    const overlay = new EngineSession(r.store, 'overlay');
    await overlay.sync(r.client);
    expect([...r.engine.requests].sort()).toEqual(['dictation.state', 'info', 'settings.get', 'status']);
    r.engine.emit({ type: 'speech', model: { id: 'tiny-ctc', source: 'bundled' }, problem: null });
    await vi.advanceTimersByTimeAsync(10);
    expect(r.engine.requests).not.toContain('models.list');
    overlay.stop();
  });

  it('makes no status calls over 10 s of samples: one on connecting, then the pushed status', async () => {
    const r = connected();
    await r.session.sync(r.client);
    expect(r.statusCalls()).toBe(1);
    // 10 s of samples every 100 ms (adaptive sampling near a threshold), each followed by its status.
    for (let t = 100; t <= 10_000; t += 100) {
      const used = 4000 + t / 10;
      r.engine.emit(sample(t, used));
      r.engine.emit({
        type: 'status',
        status: status({ usage: used / 8000, usedMiB: used, lastSampleAtMs: t }),
      });
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(r.statusCalls()).toBe(1);
    expect(r.store.getState().status).toMatchObject({ usedMiB: 5000, lastSampleAtMs: 10_000 });
    // Nothing left ticking either: a minute later still one call.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.statusCalls()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    r.session.stop();
  });

  it('level, placement and strikes reach the store with the pushed status, not a call', async () => {
    const r = connected();
    await r.session.sync(r.client);
    r.engine.emit({ type: 'level', from: 'CRITICAL', to: 'EMERGENCY', usage: 0.96 });
    r.engine.emit({
      type: 'status',
      status: status({
        level: 'EMERGENCY',
        usage: 0.96,
        restoreBlocker: 'GPU memory is at the EMERGENCY level',
        gpuErrors: { count: 1, limit: 3, inWindow: 1, windowMs: 600_000 },
      }),
    });
    await settle();
    expect(r.store.getState().status).toMatchObject({
      level: 'EMERGENCY',
      restoreBlocker: 'GPU memory is at the EMERGENCY level',
      gpuErrors: { inWindow: 1 },
    });
    expect(r.statusCalls()).toBe(1);
  });

  it('a status pushed before the connect-time answer arrives is not overwritten by it', async () => {
    const r = connected();
    const synced = r.session.sync(r.client);
    r.engine.emit({ type: 'status', status: status({ level: 'WARNING', usage: 0.85 }) });
    await synced;
    expect(r.store.getState().status).toMatchObject({ level: 'WARNING', usage: 0.85 });
  });

  it('settings pushed before the connect-time answer arrives are not overwritten by it', async () => {
    const r = connected();
    const synced = r.session.sync(r.client);
    const pushed = { ...DEFAULT_SETTINGS, speech: { ...DEFAULT_SETTINGS.speech, hotkey: 'Alt+Shift+P' } };
    r.engine.emit({ type: 'settings', settings: pushed });
    await synced;
    expect(r.store.getState().settings.saved).toEqual(pushed);
  });

  it('settings pushed by the engine (saved in another window) become the saved settings; edits stay', async () => {
    const r = connected();
    await r.session.sync(r.client);
    r.store.getState().editSetting('hotkey', 'Alt+X');
    const saved = { ...DEFAULT_SETTINGS, memory: { ...DEFAULT_SETTINGS.memory, intervalMs: 500 } };
    r.engine.emit({ type: 'settings', settings: saved });
    await settle();
    expect(r.store.getState().settings.saved).toEqual(saved);
    expect(r.store.getState().settings.draft).toEqual({ hotkey: 'Alt+X' });
    expect(r.engine.requests.filter((m) => m === 'settings.get')).toHaveLength(1);
  });
});
