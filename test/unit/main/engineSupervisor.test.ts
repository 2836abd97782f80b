import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/runtime/clock';
import {
  EngineSupervisor,
  type SupervisorOptions,
  type SupervisorState,
} from '../../../electron/main/engineSupervisor';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import type { EngineEvent } from '../../../shared/engineEvents';
import { FakeEngine, settle, type FakeEngineOptions } from './fakes';

const SAVED: Settings = {
  ...DEFAULT_SETTINGS,
  memory: {
    ...DEFAULT_SETTINGS.memory,
    gpuErrorLimit: 7,
    thresholds: { ...DEFAULT_SETTINGS.memory.thresholds, warning: 0.7 },
  },
};

function rig(
  options: Partial<SupervisorOptions<FakeEngine>> = {},
  engineOptions: (n: number) => FakeEngineOptions = () => ({}),
) {
  const clock = new VirtualClock(0);
  const engines: FakeEngine[] = [];
  const states: SupervisorState[] = [];
  const supervisor = new EngineSupervisor<FakeEngine>({
    spawn: () => {
      const e = new FakeEngine(engineOptions(engines.length));
      engines.push(e);
      return e;
    },
    clock,
    settings: () => SAVED,
    heartbeat: null,
    ...options,
  });
  supervisor.onState((s) => states.push(s.state));
  const advanceTo = (ms: number) => clock.runUntil(ms, settle);
  return { clock, engines, states, supervisor, advanceTo };
}

describe('EngineSupervisor', () => {
  it('starts the engine, waits until it speaks, sends the settings, then is live', async () => {
    const { engines, states, supervisor } = rig();
    supervisor.start();
    expect(supervisor.snapshot().state).toBe('starting');
    expect(supervisor.client).toBeNull();
    await settle();
    expect(states).toEqual(['starting', 'live']);
    expect(engines).toHaveLength(1);
    expect(engines[0]?.settingsSet).toEqual([SAVED]);
    await expect(supervisor.client?.call('ping')).resolves.toEqual({ protocol: 1, pid: engines[0]?.pid });
  });

  it('restarts a crashed engine after the backoff, sends the settings again, and hands out a new client', async () => {
    const { engines, states, supervisor, advanceTo, clock } = rig();
    const lives: number[] = [];
    supervisor.onLive((_client, proc) => lives.push(proc.pid));
    supervisor.start();
    await settle();
    const firstClient = supervisor.client;
    const pending = firstClient?.call('status');
    engines[0]?.crash('SIGKILL');
    await expect(pending).rejects.toThrow('the engine exited');

    const snap = supervisor.snapshot();
    expect(snap.state).toBe('restarting');
    expect(snap.message).toMatch(/was killed by SIGKILL; restarting \(attempt 1\)/);
    expect(snap.nextStartAtMs).toBe(500);
    expect(supervisor.client).toBeNull();

    await advanceTo(499);
    expect(engines).toHaveLength(1); // not before the backoff
    await advanceTo(500);
    expect(engines).toHaveLength(2);
    expect(clock.now()).toBe(500);
    expect(supervisor.snapshot()).toMatchObject({ state: 'live', restarts: 1, message: null });
    expect(engines[1]?.settingsSet).toEqual([SAVED]);
    expect(supervisor.client).not.toBe(firstClient);
    await expect(supervisor.client?.call('settings.get')).resolves.toEqual(SAVED);
    expect(lives).toEqual([engines[0]?.pid, engines[1]?.pid]);
    expect(states).toEqual(['starting', 'live', 'restarting', 'starting', 'live']);
  });

  it('backs off exponentially and ends a crash loop in a visible failed state', async () => {
    const { engines, supervisor, advanceTo, clock } = rig();
    supervisor.start();
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      engines[engines.length - 1]?.crash(null);
      const due = supervisor.snapshot().nextStartAtMs ?? NaN;
      delays.push(due - clock.now());
      await advanceTo(due);
      expect(supervisor.snapshot().state).toBe('live');
    }
    expect(delays).toEqual([500, 1000, 2000, 4000]);

    engines[engines.length - 1]?.crash(null); // the 5th crash within 60 s
    const snap = supervisor.snapshot();
    expect(snap.state).toBe('failed');
    expect(snap.message).toBe('the engine crashed 5 times within 60 s; last: the engine exited with code 1');
    expect(snap.nextStartAtMs).toBeNull();
    await advanceTo(clock.now() + 10 * 60_000);
    expect(engines).toHaveLength(5); // no spinning
    expect(supervisor.client).toBeNull();
  });

  it('forgets crashes outside the window: a long-running engine restarts quickly again', async () => {
    const { engines, supervisor, advanceTo, clock } = rig();
    supervisor.start();
    await settle();
    engines[0]?.crash();
    await advanceTo(500);
    engines[1]?.crash();
    expect(supervisor.snapshot().nextStartAtMs).toBe(1500); // second crash: 1000 ms
    await advanceTo(1500);
    await advanceTo(clock.now() + 120_000); // runs quietly for two minutes
    engines[2]?.crash();
    expect((supervisor.snapshot().nextStartAtMs ?? 0) - clock.now()).toBe(500);
  });

  it('Restart engine after a failure starts afresh with a clean crash history', async () => {
    const { engines, supervisor, advanceTo } = rig({ restart: { maxCrashes: 2 } });
    supervisor.start();
    await settle();
    engines[0]?.crash();
    await advanceTo(500);
    engines[1]?.crash();
    expect(supervisor.snapshot().state).toBe('failed');
    supervisor.restart();
    await settle();
    expect(supervisor.snapshot().state).toBe('live');
    expect(engines).toHaveLength(3);
    engines[2]?.crash();
    expect(supervisor.snapshot().state).toBe('restarting'); // one crash: not a loop any more
  });

  it('treats an engine that never speaks as hung: killed, and restarted by the policy', async () => {
    const { engines, supervisor, advanceTo } = rig({ startTimeoutMs: 30_000 }, (n) => ({ announce: n > 0 }));
    supervisor.start();
    await settle();
    await advanceTo(29_999);
    expect(supervisor.snapshot().state).toBe('starting');
    await advanceTo(30_000);
    expect(engines[0]?.forceKilled).toBe(1);
    expect(supervisor.snapshot()).toMatchObject({ state: 'restarting' });
    expect(supervisor.snapshot().message).toMatch(/did not start within 30 s/);
    await advanceTo(30_500);
    expect(supervisor.snapshot().state).toBe('live');
  });

  it('restarts an engine that stops answering pings (heartbeat)', async () => {
    const { engines, supervisor, advanceTo } = rig({ heartbeat: { everyMs: 1000, timeoutMs: 2000 } });
    supervisor.start();
    await settle();
    await advanceTo(5000);
    expect(engines[0]?.requests.filter((r) => r === 'ping').length).toBeGreaterThanOrEqual(4);
    expect(supervisor.snapshot().state).toBe('live');
    if (engines[0]) engines[0].answerPings = false;
    await advanceTo(8000);
    expect(engines[0]?.forceKilled).toBe(1);
    expect(supervisor.snapshot().message).toMatch(/did not answer for 2 s/);
    await advanceTo(9000);
    expect(supervisor.snapshot().state).toBe('live');
    expect(engines).toHaveLength(2);
  });

  it('goes live with a visible settings error when the engine refuses the saved settings', async () => {
    const { supervisor } = rig({}, () => ({
      rejectSettings: 'warning threshold 0.95 must be below critical 0.90',
    }));
    supervisor.start();
    await settle();
    expect(supervisor.snapshot()).toMatchObject({
      state: 'live',
      settingsError:
        'the engine refused the saved settings: warning threshold 0.95 must be below critical 0.90',
    });
  });

  it('counts a spawn that throws as a crash', async () => {
    let calls = 0;
    const { supervisor, advanceTo } = rig({
      spawn: () => {
        calls++;
        if (calls === 1) throw new Error('engine entry not found');
        return new FakeEngine();
      },
    });
    supervisor.start();
    expect(supervisor.snapshot().state).toBe('restarting');
    expect(supervisor.snapshot().message).toMatch(/could not start the engine: engine entry not found/);
    await advanceTo(500);
    expect(supervisor.snapshot().state).toBe('live');
  });

  it('stop() terminates the engine and nothing restarts it', async () => {
    const { engines, supervisor, advanceTo } = rig();
    supervisor.start();
    await settle();
    const stopped = supervisor.stop();
    await settle();
    await stopped;
    expect(engines[0]?.terminated).toBe(1);
    expect(supervisor.snapshot().state).toBe('stopped');
    await advanceTo(60_000);
    expect(engines).toHaveLength(1);
  });

  it('kills an engine that ignores SIGTERM when stopping', async () => {
    const { engines, supervisor, advanceTo } = rig({ stopTimeoutMs: 3000 });
    supervisor.start();
    await settle();
    const e = engines[0];
    if (!e) throw new Error('no engine');
    e.terminate = () => {
      e.terminated++; // and ignores it
    };
    const stopped = supervisor.stop();
    await advanceTo(3000);
    await stopped;
    expect(e.forceKilled).toBe(1);
    expect(supervisor.snapshot().state).toBe('stopped');
  });

  it('forwards events of the current engine only, to subscribers that survive restarts', async () => {
    const { engines, supervisor, advanceTo } = rig();
    const seen: EngineEvent[] = [];
    supervisor.onEvent((e) => seen.push(e));
    supervisor.start();
    await settle();
    engines[0]?.emit({ type: 'level', from: 'NORMAL', to: 'WARNING', usage: 0.85 });
    await settle();
    engines[0]?.crash();
    await advanceTo(500);
    engines[1]?.emit({ type: 'level', from: 'NORMAL', to: 'CRITICAL', usage: 0.92 });
    await settle();
    expect(seen.flatMap((e) => (e.type === 'level' ? [e.to] : []))).toEqual(['WARNING', 'CRITICAL']);
  });

  it('a user restart of a live engine does not count as a crash', async () => {
    const { engines, supervisor } = rig({ restart: { maxCrashes: 1 } });
    supervisor.start();
    await settle();
    supervisor.restart();
    await settle();
    expect(engines[0]?.terminated).toBe(1);
    expect(supervisor.snapshot().state).toBe('live');
    expect(engines).toHaveLength(2);
  });
});
