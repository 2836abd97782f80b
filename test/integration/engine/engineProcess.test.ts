import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { forkEngine, type ForkedEngine } from './forkEngine';

let home: string;
let engine: ForkedEngine | null = null;

const scenario = {
  gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
  settings: { intervalMs: 50, recoveryDwellMs: 300 },
  models: [{ id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' }],
  steps: [
    { atMs: 0, externalMiB: 1000 },
    { atMs: 400, externalMiB: 6000 },
    { atMs: 1500, externalMiB: 500 },
  ],
};

async function start(extra: string[] = []): Promise<ForkedEngine> {
  const file = join(home, 'scenario.json');
  await writeFile(file, JSON.stringify(scenario));
  engine = forkEngine(['--scenario', file, '--speech', 'off', ...extra], home);
  await engine.waitFor((e) => e.type === 'report');
  return engine;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-engine-'));
});

afterEach(async () => {
  await engine?.stop();
  engine = null;
  await rm(home, { recursive: true, force: true });
});

describe('the engine as a child process', () => {
  it('answers the contract and streams the memory manager through EMERGENCY and back', async () => {
    const e = await start();
    const pong = await e.client.call('ping');
    expect(pong.pid).toBe(e.child.pid);

    await e.waitFor((ev) => ev.type === 'level' && ev.to === 'EMERGENCY');
    await e.waitFor((ev) => ev.type === 'placement' && ev.model === 'stt' && ev.to === 'cpu');
    const during = await e.client.call('status');
    expect(during.models.find((m) => m.id === 'stt')?.device).toBe('cpu');

    // Memory frees at 1.5 s: back to NORMAL after the dwell, then stt is restored automatically.
    await e.waitFor(
      (ev) => ev.type === 'placement' && ev.model === 'stt' && ev.to === 'gpu' && ev.from === 'cpu',
    );
    const after = await e.client.call('status');
    expect(after.level).toBe('NORMAL');
    expect(after.models.find((m) => m.id === 'stt')?.device).toBe('gpu');
    // The same story is in the log, in the user data folder.
    await expect
      .poll(() => readFile(join(home, 'logs', 'engine.log'), 'utf8').catch(() => ''))
      .toMatch(/level {4}CRITICAL → EMERGENCY[\s\S]*place {4}stt: cpu → gpu 0/);
  });

  it('rejects invalid settings naming the field, and persists valid ones atomically', async () => {
    const e = await start();
    const bad = {
      ...DEFAULT_SETTINGS,
      memory: {
        ...DEFAULT_SETTINGS.memory,
        thresholds: { warning: 0.95, critical: 0.9, emergency: 0.97, restore: 0.6 },
      },
    };
    await expect(e.client.call('settings.set', { settings: bad })).rejects.toThrow(
      'warning threshold 0.95 must be below critical 0.90',
    );
    await expect(readFile(join(home, 'settings.json'))).rejects.toThrow(/ENOENT/);

    const good = { ...DEFAULT_SETTINGS, memory: { ...DEFAULT_SETTINGS.memory, gpuErrorLimit: 5 } };
    const saved = await e.client.call('settings.set', { settings: good });
    expect(saved.memory.gpuErrorLimit).toBe(5);
    const onDisk = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as typeof good;
    expect(onDisk.memory.gpuErrorLimit).toBe(5);
    expect((await readdir(home)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await e.client.call('status')).gpuErrors.limit).toBe(5);
  });

  it('answers malformed requests with errors and drops unanswerable ones with an event', async () => {
    const e = await start();
    const replies: unknown[] = [];
    e.port.onMessage((m) => {
      if ((m as { kind?: string }).kind === 'response') replies.push(m);
    });
    e.port.post({ v: 1, kind: 'request', id: 900, method: 'format-disk', params: {} });
    e.port.post({ v: 2, kind: 'request', id: 901, method: 'status', params: {} });
    e.port.post({ v: 1, kind: 'request', id: 902, method: 'status', params: { surprise: true } });
    e.port.post('not even an object');
    await e.waitFor((ev) => ev.type === 'protocol-error');
    await expect.poll(() => replies.length).toBe(3);
    const codes = replies.map((r) => (r as { error: { code: string } }).error.code).sort();
    expect(codes).toEqual(['bad-message', 'bad-params', 'unknown-method']);
    // Still serving.
    expect((await e.client.call('status')).level).toBeTypeOf('string');
  });

  it('refuses a manual restore with the reason when stt does not fit, and offloads on request', async () => {
    const e = await start();
    const offloaded = await e.client.call('offload');
    expect(offloaded).toMatchObject({ ok: true, moved: ['stt'] });
    expect((await e.client.call('status')).pinnedByUser).toBe(true);
    // Other programs now hold 6000 MiB: 1700 MiB free is less than stt's 1500 plus the 256 headroom.
    await e.waitFor((ev) => ev.type === 'sample' && ev.sample.usedMiB >= 6300);
    const refused = await e.client.call('restore');
    expect(refused.ok).toBe(false);
    expect(refused.reasons).toEqual(['stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 1700 MiB free']);
    expect((await e.client.call('status')).models[0]?.device).toBe('cpu');
    await expect(e.client.call('offload')).resolves.toMatchObject({ ok: false });
  });

  it('keeps a corrupt settings file aside and starts with defaults', async () => {
    await writeFile(join(home, 'settings.json'), '{"memory": {"thresholds": ');
    const e = await start();
    expect((await e.client.call('settings.get')).memory.thresholds.warning).toBe(0.8);
    const kept = (await readdir(home)).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await readFile(join(home, kept[0] as string), 'utf8')).toBe('{"memory": {"thresholds": ');
    const info = await e.client.call('info');
    expect(info.settingsProblem?.keptAs).toBe(join(home, kept[0] as string));
    expect(info.settingsProblem?.message).toMatch(/not valid JSON.*using defaults/);
  });
});
