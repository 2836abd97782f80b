import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './runCli';

// `dictate --scenario`: the scenario's `stt` is a stand-in for the speech model, which takes its place
// (electron/engine/simulation/speechStandIn.ts) instead of failing with "model stt is already loaded".

const WAV = 'test/fixtures/audio/check-memory-status-48k-stereo.wav';
let home = '';

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('swictation dictate --scenario', () => {
  it('dictates under a scenario that has its own stt model', async () => {
    home = await mkdtemp(join(tmpdir(), 'swictation-dictate-scenario-'));
    const r = await runCli(
      ['dictate', '--input', WAV, '--scenario', 'test/fixtures/scenarios/ui-steady.json'],
      {
        env: { SWICTATION_HOME: home },
        // A run that hangs is stopped (Ctrl-C) rather than left behind.
        stopAfterMs: 60_000,
      },
    );
    expect(r.stderr).not.toMatch(/already loaded/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('check memory status');
  }, 120_000);
});
