import { describe, expect, it } from 'vitest';
import { createAppStore, SPEECH_LOAD_STEP } from '../../../renderer/store/appStore';
import { sample, status } from './fixtures';

describe('app store: engine events', () => {
  it('feeds samples into the ring and the gauge reading, not the log', () => {
    const store = createAppStore();
    store.getState().receive(sample(1000, 6496), 1);
    store.getState().receive(sample(1100, 6500), 2);
    const t = store.getState().telemetry;
    expect(t.seq).toBe(2);
    expect(t.ring.size).toBe(2);
    expect(t.latest).toEqual({ atMs: 1100, usage: 6500 / 8000, usedMiB: 6500, totalMiB: 8000 });
    expect(store.getState().log.entries).toHaveLength(0);
  });

  it('moves the badge on a level event before the next status, and logs it', () => {
    const store = createAppStore();
    store.getState().applyStatus(status());
    store.getState().receive({ type: 'level', from: 'NORMAL', to: 'CRITICAL', usage: 0.91 }, 5);
    expect(store.getState().status?.level).toBe('CRITICAL');
    expect(store.getState().log.entries[0]?.text).toBe('NORMAL → CRITICAL at 91.0%');
  });

  it('adds transcripts newest first', () => {
    const store = createAppStore();
    const t = (id: number, text: string) =>
      ({
        type: 'transcript',
        id,
        text,
        device: 'cpu',
        ep: 'cpu',
        latencyMs: 80,
        startMs: 0,
        endMs: 1,
        retriedOnCpu: false,
      }) as const;
    store.getState().receive(t(1, 'hello'), 10);
    store.getState().receive(t(2, 'world'), 20);
    expect(store.getState().transcripts.items.map((i) => i.text)).toEqual(['world', 'hello']);
  });

  it('follows listening → transcribing → stopped with the start time, and the engine’s level unless capturing', () => {
    const store = createAppStore();
    const receive = store.getState().receive;
    receive({ type: 'dictation', state: 'listening', source: 'mic', queued: 0 }, 1000);
    receive({ type: 'input', level: 0.4 }, 1100);
    expect(store.getState().dictation).toMatchObject({
      phase: 'listening',
      listeningSince: 1000,
      inputLevel: 0.4,
    });
    receive({ type: 'dictation', state: 'transcribing', source: 'mic', queued: 0 }, 3000);
    expect(store.getState().dictation).toMatchObject({ phase: 'stopping', listeningSince: 1000 });
    receive({ type: 'dictation', state: 'stopped', source: 'mic', queued: 0 }, 3500);
    expect(store.getState().dictation).toMatchObject({ phase: 'idle', listeningSince: null, inputLevel: 0 });
    // A window that meters its own microphone keeps its fresher reading.
    store.getState().setDictation({ capturing: true, inputLevel: 0.7 });
    receive({ type: 'input', level: 0.1 }, 4000);
    expect(store.getState().dictation.inputLevel).toBe(0.7);
    expect(store.getState().log.entries.map((e) => e.text)).not.toContain('input');
  });

  it('follows dictation events from any source', () => {
    const store = createAppStore();
    store.getState().receive({ type: 'dictation', state: 'listening', source: 'mic', queued: 0 }, 1);
    expect(store.getState().dictation).toMatchObject({ phase: 'listening', source: 'mic' });
    store.getState().receive({ type: 'dictation', state: 'stopped', source: 'mic', queued: 0 }, 2);
    expect(store.getState().dictation).toMatchObject({ phase: 'idle', source: null });
    expect(store.getState().log.entries).toHaveLength(2);
  });

  it('remembers that no speech model could load (FirstRun asks for one)', () => {
    const store = createAppStore();
    store.getState().receive({ type: 'failure', during: SPEECH_LOAD_STEP, message: 'no model' }, 1);
    expect(store.getState().engine.speechProblem).toBe('no model');
    expect(store.getState().log.entries[0]?.severity).toBe('error');
  });

  it('a speech event sets or clears the speech problem', () => {
    const store = createAppStore();
    store.getState().receive({ type: 'speech', model: null, problem: 'no model "x"' }, 1);
    expect(store.getState().engine.speechProblem).toBe('no model "x"');
    store.getState().receive({ type: 'speech', model: { id: 'x', source: 'installed' }, problem: null }, 2);
    expect(store.getState().engine.speechProblem).toBeNull();
    expect(store.getState().log.entries.map((e) => e.severity)).toEqual(['info', 'error']);
  });

  it('keeps each model download’s latest state; progress is not logged, the outcome is', () => {
    const store = createAppStore();
    const at = (state: 'started' | 'progress' | 'failed', bytes: number, extra = {}) =>
      store.getState().receive({ type: 'download', modelId: 'm', state, bytes, total: 100, ...extra }, bytes);
    at('started', 0);
    at('progress', 40);
    expect(store.getState().models.downloads['m']).toMatchObject({
      state: 'progress',
      bytes: 40,
      total: 100,
    });
    at('failed', 60, { message: 'dropped', retryable: true });
    expect(store.getState().models.downloads['m']).toEqual({
      state: 'failed',
      bytes: 60,
      total: 100,
      message: 'dropped',
      retryable: true,
    });
    expect(store.getState().log.entries.map((e) => e.text)).toEqual([
      'Download of m failed: dropped',
      'Downloading m',
    ]);
  });

  it('keeps unchanged status parts identical, so narrow selectors do not re-render', () => {
    const store = createAppStore();
    store.getState().applyStatus(status());
    const models = store.getState().status?.models;
    store.getState().applyStatus(status({ usage: 0.55, usedMiB: 4400, lastSampleAtMs: 2000 }));
    expect(store.getState().status?.models).toBe(models);
    const [first] = status().models;
    if (!first) throw new Error('fixture has a model');
    store.getState().applyStatus(status({ models: [{ ...first, device: 'cpu' }] }));
    expect(store.getState().status?.models).not.toBe(models);
    expect(store.getState().status?.models[0]?.device).toBe('cpu');
  });

  it('takes the gauge reading from a status newer than the last sample', () => {
    const store = createAppStore();
    store.getState().applyStatus(status({ usage: 0.812, usedMiB: 6496, lastSampleAtMs: 3000 }));
    expect(store.getState().telemetry.latest).toEqual({
      atMs: 3000,
      usage: 0.812,
      usedMiB: 6496,
      totalMiB: 8000,
    });
    // The same reading again adds nothing to the chart.
    store.getState().applyStatus(status({ usage: 0.812, usedMiB: 6496, lastSampleAtMs: 3000 }));
    expect(store.getState().telemetry.seq).toBe(1);
  });

  it('does not notify subscribers for events the state ignores', () => {
    const store = createAppStore();
    let calls = 0;
    store.subscribe(() => calls++);
    store.getState().receive({ type: 'report', text: 'status block' }, 1);
    expect(calls).toBe(0);
  });
});
