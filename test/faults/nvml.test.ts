/**
 * Faults of the NVIDIA driver library, seen by the real engine process: NVML missing, failing at init,
 * failing mid-run, and answering "not available" (0xFFFFFFFFFFFFFFFF). The engine loads the stub
 * libnvidia-ml (built with gcc) through LD_LIBRARY_PATH, exactly as it would load the driver's. In each
 * case it keeps answering, says what happened (info.probes, probe events, status.probe), and dictation
 * keeps producing transcripts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForkedEngine } from '../integration/engine/forkEngine';
import { buildNvmlStub } from '../fixtures/nvml-stub/buildStub';
import { runCli } from '../integration/cli/runCli';
import { engineStatusSchema, type EngineStatus } from '../../shared/engineEvents';
import { clip, clipAudio, concat, pushAudio, Scratch, silence, speechMissing } from './support';

const MIB = 1024 * 1024;
const GOOD = {
  'dev0.total': 8000 * MIB,
  'dev0.reserved': 300 * MIB,
  'dev0.free': 6000 * MIB,
  'dev0.used': 1700 * MIB,
};
const FAST = { memory: { intervalMs: 100 }, speech: { outputMode: 'none' } };

const scratch = new Scratch();
const suite = new Scratch();
let stubDir = '';
let emptyDir = '';

beforeAll(async () => {
  const root = await suite.home();
  stubDir = join(root, 'stub');
  emptyDir = join(root, 'empty');
  await mkdir(emptyDir);
  await buildNvmlStub(stubDir);
});
afterEach(() => scratch.release());
afterAll(() => suite.release());

/** An engine whose dynamic loader finds the stub NVML configured with `config` (null: no NVML at all). */
async function engineWithNvml(config: Record<string, string | number> | null, speech = false) {
  const home = await scratch.home(FAST);
  const conf = join(home, 'nvml-stub.conf');
  await writeFile(
    conf,
    `${Object.entries(config ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  const engine = scratch.engine(['--probe', 'auto', '--speech', speech ? 'on' : 'off'], home, {
    LD_LIBRARY_PATH: config === null ? emptyDir : stubDir,
    NVML_STUB_CONFIG: conf,
  });
  await engine.waitFor((e) => e.type === 'report', 30_000);
  return engine;
}

async function dictatesOnce(engine: ForkedEngine): Promise<string> {
  const spoken = clip('check memory status');
  await engine.client.call('dictation.start', { source: 'push' });
  await pushAudio(engine, concat(await clipAudio(spoken), silence(1000)));
  expect((await engine.client.call('dictation.stop')).transcripts).toBe(1);
  const history = await engine.client.call('history.list', { limit: 1 });
  expect(history.entries[0]?.text).toBe(spoken.text);
  return spoken.text;
}

/** Two GPUs: an 8 GB one and a 24 GB one an LLM has mostly filled. */
const TWO_GPUS = {
  count: 2,
  ...GOOD,
  'dev1.total': 24000 * MIB,
  'dev1.reserved': 400 * MIB,
  'dev1.free': 4000 * MIB,
  'dev1.used': 19600 * MIB,
};

describe('NVML with two GPUs', () => {
  it('the engine watches both ("auto"): status lists each with its own figures and level', async () => {
    const engine = await engineWithNvml(TWO_GPUS);
    await engine.waitFor((e) => e.type === 'status' && e.status.gpus.length === 2, 10_000);
    const status = await engine.client.call('status');
    expect(status.gpus.map((g) => [g.index, g.name, g.totalMiB, g.freeMiB, g.level])).toEqual([
      [0, 'Stub GPU 0', 8000, 6000, 'NORMAL'],
      [1, 'Stub GPU 1', 24000, 4000, 'WARNING'],
    ]);
    // One-GPU clients read the top level: the most pressed GPU's.
    expect(status).toMatchObject({ level: 'WARNING', gpu: { index: 1 }, totalMiB: 24000 });
  });

  it('`swictation status --json` lists both GPUs', async () => {
    const home = await scratch.home(FAST);
    const conf = join(home, 'nvml-stub.conf');
    await writeFile(
      conf,
      `${Object.entries(TWO_GPUS)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    );
    const run = await runCli(['status', '--json'], {
      env: { SWICTATION_HOME: home, LD_LIBRARY_PATH: stubDir, NVML_STUB_CONFIG: conf },
    });
    expect(run.stderr).toBe('');
    const { status } = JSON.parse(run.stdout) as { status: EngineStatus };
    expect(engineStatusSchema.parse(status).gpus.map((g) => [g.index, g.uuid, g.usedMiB])).toEqual([
      [0, 'GPU-00000000-0000-0000-0000-000000000000', 2000],
      [1, 'GPU-00000000-0000-0000-0000-000000000001', 20000],
    ]);
  });
});

describe('NVML faults', () => {
  it('NVML missing: the probe falls back to no GPU, says why, and the engine runs on the CPU', async () => {
    const engine = await engineWithNvml(null);
    const info = await engine.client.call('info');
    expect(info.probes[0]).toMatchObject({ kind: 'nvml', ok: false });
    expect(info.probes[0]?.error).toMatch(/NVIDIA driver library libnvidia-ml\.so\.1 not found/);
    expect(info.probes.at(-1)).toEqual({ kind: 'none', ok: true });
    const status = await engine.client.call('status');
    expect(status).toMatchObject({ gpu: null, level: 'NORMAL', probe: { kind: 'none', ok: true } });
  });

  it('NVML failing at init: the NVML error is named and the engine runs without a GPU reading', async () => {
    const engine = await engineWithNvml({ ...GOOD, init_rc: 9 });
    const info = await engine.client.call('info');
    expect(info.probes[0]).toEqual({
      kind: 'nvml',
      ok: false,
      error: 'nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)',
    });
    expect((await engine.client.call('status')).probe).toMatchObject({ kind: 'none', ok: true });
  });

  it.skipIf(speechMissing !== null)(
    'NVML failing mid-run: one probe event names the error, status shows it, dictation goes on',
    async () => {
      // Opening reads memory once per device; the readings after the first few fail ("GPU is lost").
      const engine = await engineWithNvml({ ...GOOD, 'dev0.mem_fail_after': 4 }, true);
      const failed = await engine.waitFor((e) => e.type === 'probe' && !e.ok, 10_000);
      expect(failed).toMatchObject({
        ok: false,
        error: expect.stringMatching(/GPU is lost \(NVML error 15\)/) as unknown,
      });
      const status = await engine.client.call('status');
      expect(status.probe).toMatchObject({ kind: 'nvml', ok: false });
      expect(status.gpu?.name).toBe('Stub GPU 0');
      // Retried with backoff, reported once until it recovers.
      await new Promise((r) => setTimeout(r, 1000));
      expect(engine.events.filter((e) => e.type === 'probe')).toHaveLength(1);
      await dictatesOnce(engine);
      expect(engine.child.exitCode).toBeNull();
    },
  );

  it('NVML answering "not available": reserved and per-process figures are unknown, never garbage', async () => {
    const engine = await engineWithNvml({
      ...GOOD,
      'dev0.reserved': 'na',
      'dev0.compute': `${process.pid}:na,4194401:${512 * MIB}`,
    });
    const sample = await engine.waitFor((e) => e.type === 'sample');
    if (sample.type !== 'sample') throw new Error('not a sample');
    expect(sample.sample.reservedMiB).toBeNull();
    expect(sample.sample.topProcesses.map((p) => p.usedMiB).sort()).toEqual([512, null]);
    expect(sample.usage).toBeCloseTo(2000 / 8000, 6);
    const status = await engine.client.call('status');
    expect(status).toMatchObject({ reservedMiB: null, probe: { kind: 'nvml', ok: true }, level: 'NORMAL' });
    expect((await engine.client.call('report')).text).not.toMatch(/NaN|18446744073709551615|Infinity/);
  });

  it('NVML with no value for free memory: that probe is refused with the reason, the next one is used', async () => {
    const engine = await engineWithNvml({ ...GOOD, 'dev0.free': 'na' });
    const info = await engine.client.call('info');
    expect(info.probes[0]).toMatchObject({ kind: 'nvml', ok: false });
    expect(info.probes[0]?.error).toMatch(/reported no value for total or free memory/);
    expect((await engine.client.call('status')).probe.kind).toBe('none');
  });
});
