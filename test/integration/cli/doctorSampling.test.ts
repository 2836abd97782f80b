import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './runCli';

let home = '';
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-doctor-sampling-'));
  const memory = { intervalMs: 1500, adaptiveSampling: { fastestMs: 100 } };
  await writeFile(join(home, 'settings.json'), JSON.stringify({ version: 1, memory }));
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('swictation doctor: sampling', () => {
  it('says how often the GPU is read, calm and near a threshold, from the settings', async () => {
    const env = { SWICTATION_HOME: home };
    const json = await runCli(['doctor', '--json'], { env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { sampling: unknown };
    expect(report.sampling).toEqual({ calmMs: 1500, adaptive: true, fastestMs: 100 });
    const text = await runCli(['doctor'], { env });
    expect(text.stdout).toContain(
      'Sampling: every 1500 ms when calm, down to 100 ms near a threshold or while usage climbs towards one',
    );
  });
});
