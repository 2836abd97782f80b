import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import { forkEngine, type ForkedEngine } from './forkEngine';

/**
 * Issue 10, item 1, where the user meets it: Settings saves through the engine's `settings.set`. At a steady
 * 97 % (EMERGENCY, stt already offloaded), raising the emergency threshold to 0.99 must turn the level to
 * CRITICAL at once: the status the Save answer is followed by says so, with no further reading needed.
 */
let home: string;
let engine: ForkedEngine | null = null;

const MEMORY = { intervalMs: 200, recoveryDwellMs: 10_000, predictivePrewarm: false };
const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  settings: MEMORY,
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  // 300 reserved + 7460 other programs = 97 % once stt has left the GPU.
  steps: [{ atMs: 0, externalMiB: 7460 }],
};

function withEmergency(emergency: number): Settings {
  const memory = { ...DEFAULT_SETTINGS.memory, ...MEMORY };
  return { ...DEFAULT_SETTINGS, memory: { ...memory, thresholds: { ...memory.thresholds, emergency } } };
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-threshold-'));
});

afterEach(async () => {
  await engine?.stop();
  engine = null;
  await rm(home, { recursive: true, force: true });
});

describe('the engine process: a threshold saved in Settings re-classifies the level at once', () => {
  it.each([0.99, 0.985])('steady 97 percent, emergency raised to %s: CRITICAL at once', async (emergency) => {
    const file = join(home, 'scenario.json');
    await writeFile(file, JSON.stringify(scenario));
    const e = forkEngine(['--scenario', file, '--speech', 'off'], home);
    engine = e;
    await e.waitFor((ev) => ev.type === 'placement' && ev.model === 'stt' && ev.to === 'cpu');
    // Steady at 97 % and EMERGENCY, with the dwell protecting it from noise.
    await e.waitFor((ev) => ev.type === 'sample' && Math.abs(ev.usage - 0.97) < 1e-9);
    expect((await e.client.call('status')).level).toBe('EMERGENCY');

    const samplesBefore = e.events.filter((ev) => ev.type === 'sample').length;
    await e.client.call('settings.set', { settings: withEmergency(emergency) });
    const status = await e.client.call('status');
    expect(status.level).toBe('CRITICAL');
    expect(status.usage).toBeCloseTo(0.97, 9);
    // The level event came with the change itself, before any new reading could have caused it.
    const changed = e.events.findIndex((ev) => ev.type === 'level' && ev.from === 'EMERGENCY');
    expect(e.events[changed]).toMatchObject({ type: 'level', from: 'EMERGENCY', to: 'CRITICAL' });
    const samplesUntilChange = e.events.slice(0, changed).filter((ev) => ev.type === 'sample').length;
    expect(samplesUntilChange - samplesBefore).toBeLessThanOrEqual(1);
  });
});
