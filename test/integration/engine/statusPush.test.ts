import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { forkEngine, type ForkedEngine } from './forkEngine';

/**
 * The engine pushes its status and settings (issue 10, "the contract pushes"): a client that never asks again
 * after connecting still sees every sample's figures, every level and placement, and every accepted settings
 * change, from the real engine process on a simulated GPU.
 */
let home: string;
let engine: ForkedEngine;

const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  settings: { intervalMs: 100, recoveryDwellMs: 500, predictivePrewarm: false },
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  // 4800 MiB others + 1500 stt + 300 reserved = 82 % (WARNING), then 96 % (EMERGENCY: stt leaves the GPU).
  steps: [
    { atMs: 0, externalMiB: 4800 },
    { atMs: 1500, externalMiB: 7700 },
  ],
};

const statuses = (events: EngineEvent[]): EngineStatus[] =>
  events.flatMap((e) => (e.type === 'status' ? [e.status] : []));

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-push-'));
  const file = join(home, 'scenario.json');
  await writeFile(file, JSON.stringify(scenario));
  engine = forkEngine(['--scenario', file, '--speech', 'off'], home);
  await engine.waitFor((e) => e.type === 'placement' && e.model === 'stt' && e.to === 'cpu');
}, 60_000);

afterAll(async () => {
  await engine.stop();
  await rm(home, { recursive: true, force: true });
});

describe('the engine process pushes status and settings', () => {
  it('status events carry each sample’s figures, the level and the placement', async () => {
    const last = await engine.waitFor(
      (e) => e.type === 'status' && e.status.level === 'EMERGENCY' && e.status.models[0]?.device === 'cpu',
    );
    if (last.type !== 'status') throw new Error('not a status event');
    expect(last.status.usage).toBeCloseTo((7700 + 300) / 8000, 6);
    const pushed = statuses(engine.events);
    expect(pushed.map((s) => s.level)).toEqual(expect.arrayContaining(['WARNING', 'EMERGENCY']));
    // Each sample's reading reached a status event (throttled: the latest of those within one gap).
    const sampledAt = new Set(pushed.map((s) => s.lastSampleAtMs));
    expect(sampledAt.size).toBeGreaterThan(5);
    // The pushed status is what a `status` call answers (nothing moves at a steady 96 %).
    await new Promise((r) => setTimeout(r, 300));
    const asked = await engine.client.call('status');
    // Reading times aside (a reading may have come after the last push).
    const untimed = (s: EngineStatus | undefined) => ({
      ...s,
      lastSampleAtMs: 0,
      samplingIntervalMs: 0,
      gpus: s?.gpus.map((g) => ({ ...g, lastSampleAtMs: 0 })),
    });
    expect(untimed(statuses(engine.events).at(-1))).toEqual(untimed(asked));
  });

  it('an accepted settings change is a settings event; a rejected one is none', async () => {
    const before = engine.events.length;
    const hotkey = 'CommandOrControl+Alt+K';
    await expect(
      engine.client.call('settings.set', { settings: { ...DEFAULT_SETTINGS, memory: { intervalMs: -1 } } }),
    ).rejects.toThrow(/sampling interval/);
    const saved = await engine.client.call('settings.set', {
      settings: { ...DEFAULT_SETTINGS, speech: { ...DEFAULT_SETTINGS.speech, hotkey } },
    });
    const pushed = engine.events.slice(before).filter((e) => e.type === 'settings');
    expect(pushed).toEqual([{ type: 'settings', settings: saved }]);
    expect(saved.speech.hotkey).toBe(hotkey);
  });
});
