import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wallClock } from '../../../electron/engine/runtime/clock';
import {
  EngineSupervisor,
  type EngineProcess,
  type SupervisorOptions,
  type SupervisorState,
} from '../../../electron/main/engineSupervisor';
import { SettingsStore } from '../../../electron/main/settingsStore';
import type { EngineClient } from '../../../shared/engineClient';
import type { EngineEvent } from '../../../shared/engineEvents';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';

/**
 * The real engine entry, supervised the way Electron's main supervises its utility process, with a
 * child process standing in for it (same entry, same structured-clone messages).
 */
const ENTRY = fileURLToPath(new URL('../../../electron/engine/main.ts', import.meta.url));

const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  // The scenario's memory settings replace the saved ones at every engine start: only the
  // supervisor's re-send can bring the user's settings back after a crash.
  settings: { intervalMs: 100, gpuErrorLimit: 3 },
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  steps: [{ atMs: 0, externalMiB: 1000 }],
};

function forkSpawn(args: string[], home: string): EngineProcess {
  const child = fork(ENTRY, args, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, SWICTATION_HOME: home },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return {
    pid: child.pid,
    port: {
      post: (m) => {
        if (child.connected) child.send(m as object);
      },
      onMessage: (h) => {
        child.on('message', h);
        return () => child.off('message', h);
      },
    },
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener({ code, signal }));
    },
    terminate: () => void child.kill('SIGTERM'),
    forceKill: () => void child.kill('SIGKILL'),
  };
}

let home: string;
let supervisor: EngineSupervisor | null = null;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-supervisor-'));
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
  await rm(home, { recursive: true, force: true });
});

function supervise(
  options: Partial<SupervisorOptions<EngineProcess>> & Pick<SupervisorOptions<EngineProcess>, 'spawn'>,
) {
  const states: SupervisorState[] = [];
  const s = new EngineSupervisor({
    clock: wallClock,
    restart: { initialDelayMs: 200 },
    heartbeat: { everyMs: 1000, timeoutMs: 20_000 },
    ...options,
  });
  s.onState((snap) => states.push(snap.state));
  supervisor = s;
  return { s, states };
}

function waitForState(s: EngineSupervisor, state: SupervisorState, timeoutMs = 30_000): Promise<void> {
  if (s.snapshot().state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `supervisor did not reach ${state}; it is ${s.snapshot().state}: ${s.snapshot().message ?? ''}`,
        ),
      );
    }, timeoutMs);
    const stop = s.onState((snap) => {
      if (snap.state !== state) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

function liveEngine(s: EngineSupervisor): { client: EngineClient; pid: number } {
  const client = s.client;
  const pid = s.snapshot().pid;
  if (!client || pid === null) throw new Error(`no live engine: ${s.snapshot().state}`);
  return { client, pid };
}

describe('the engine supervisor with the real engine', () => {
  it('restarts a SIGKILLed engine, re-applies the settings, and a new client works', async () => {
    const scenarioFile = join(home, 'scenario.json');
    await writeFile(scenarioFile, JSON.stringify(scenario));
    const store = new SettingsStore(join(home, 'settings.json'));
    await store.load();
    const { s, states } = supervise({
      spawn: () => forkSpawn(['--scenario', scenarioFile, '--speech', 'off'], home),
      settings: () => store.reload(),
    });
    const events: { pid: number | null; event: EngineEvent }[] = [];
    s.onEvent((event) => events.push({ pid: s.snapshot().pid, event }));
    s.start();
    await waitForState(s, 'live');
    const { client: first, pid: firstPid } = liveEngine(s);
    expect((await first.call('ping')).pid).toBe(firstPid);

    // The user changes settings (as the settings window does, straight to the engine).
    const wanted: Settings = {
      ...DEFAULT_SETTINGS,
      memory: {
        ...DEFAULT_SETTINGS.memory,
        intervalMs: 100,
        gpuErrorLimit: 7,
        thresholds: { restore: 0.5, warning: 0.7, critical: 0.85, emergency: 0.93 },
      },
    };
    await first.call('settings.set', { settings: wanted });
    expect(JSON.parse(await readFile(join(home, 'settings.json'), 'utf8'))).toEqual(wanted);

    process.kill(firstPid, 'SIGKILL');
    await waitForState(s, 'restarting');
    expect(s.snapshot().message).toMatch(/was killed by SIGKILL; restarting \(attempt 1\)/);
    expect(s.client).toBeNull();

    await waitForState(s, 'live');
    expect(states).toEqual(['starting', 'live', 'restarting', 'starting', 'live']);
    const { client: second, pid: secondPid } = liveEngine(s);
    expect(secondPid).not.toBe(firstPid);
    expect(s.snapshot()).toMatchObject({ restarts: 1, settingsError: null });

    // The settings sent before the crash are in effect in the new engine.
    expect(await second.call('settings.get')).toEqual(wanted);
    const status = await second.call('status');
    expect(status.gpuErrors.limit).toBe(7);
    expect((await second.call('ping')).pid).toBe(secondPid);

    // Event subscribers were carried over: samples from the new engine arrive.
    await expect
      .poll(() => events.some((e) => e.pid === secondPid && e.event.type === 'sample'), { timeout: 10_000 })
      .toBe(true);

    await s.stop();
    expect(s.snapshot().state).toBe('stopped');
  });

  it('an engine that cannot start ends in the failed state instead of spinning', async () => {
    let spawned = 0;
    const { s, states } = supervise({
      spawn: () => {
        spawned++;
        return forkSpawn(['--scenario', join(home, 'missing.json'), '--speech', 'off'], home);
      },
      restart: { initialDelayMs: 50, maxCrashes: 3, windowMs: 60_000 },
    });
    s.start();
    await waitForState(s, 'failed', 60_000);
    expect(spawned).toBe(3);
    expect(s.snapshot().message).toBe(
      'the engine crashed 3 times within 60 s; last: the engine exited with code 1',
    );
    expect(states.filter((x) => x === 'restarting')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(spawned).toBe(3);
  });
});
