import { runCli as cli, type CliRun } from '../cli/runCli';
import { of, parse, type Output } from './endEvent';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageOf } from '../../../shared/gpuSample';

const ISSUE_EXAMPLE = 'test/fixtures/scenarios/issue-example.json';
const FULL_CYCLE = 'test/integration/simulate/full-cycle.json';

function placements(out: Output, model: string): string[] {
  return of(out, 'placement')
    .filter((p) => p.model === model)
    .map((p) => `${p.from ?? 'new'}->${p.to}`);
}

/** The end status must agree with the event stream that led to it. */
function expectEndAgreesWithEvents(out: Output): void {
  const { status, requests } = out.end;
  for (const m of status.models) {
    const last = of(out, 'placement')
      .filter((p) => p.model === m.id)
      .at(-1);
    expect(last?.to, `last placement of ${m.id}`).toBe(m.device);
    expect(m.vramMiB > 0, `${m.id} holds VRAM only on the GPU`).toBe(m.device === 'gpu');
  }
  const lastError = of(out, 'gpu-error').at(-1);
  const cleared = of(out, 'permanent-cpu').filter((e) => !e.on && e.tMs >= (lastError?.tMs ?? 0)).length > 0;
  expect(status.gpuErrors.count).toBe(cleared ? 0 : (lastError?.count ?? 0));
  expect(status.level).toBe(of(out, 'level').at(-1)?.to ?? 'NORMAL');
  expect(status.permanentCpu).toBe(of(out, 'permanent-cpu').at(-1)?.on ?? false);
  expect(requests.lost).toBe(0);
  expect(requests.served).toBeGreaterThan(0);
  expect(requests.retriedOnCpu).toBe(of(out, 'gpu-error').filter((e) => e.retriedOn === 'cpu').length);
}

/** Comparable without wall-time fields (`ms` of actions and placements). */
/** Wall-clock durations and the JS heap a GC freed differ from run to run; the story does not. */
function withoutTimings(out: Output): unknown[] {
  return out.events.map((e) => {
    const copy: Record<string, unknown> = { ...e };
    for (const key of ['ms', 'releasedMs', 'heapFreedMiB']) if (key in copy) copy[key] = 0;
    return copy;
  });
}

let tmp = '';
const runs: Record<string, CliRun> = {};

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'swictation-simulate-'));
  const file = async (name: string, text: string) => {
    const path = join(tmp, name);
    await writeFile(path, text);
    return path;
  };
  const bad = {
    invalidJson: await file('invalid.json', '{ "gpu": { "totalMiB": 8000 }, '),
    thresholds: await file(
      'thresholds.json',
      JSON.stringify({ settings: { thresholds: { warning: 0.95 } } }),
    ),
    unknownField: await file('unknown.json', JSON.stringify({ gpu: { totalMiB: 8000 }, stepz: [] })),
    unknownSetting: await file('setting.json', JSON.stringify({ settings: { intervalMS: 100 } })),
  };
  const jobs: Record<string, string[]> = {
    issue: ['simulate', ISSUE_EXAMPLE, '--json'],
    issueSamples: ['simulate', ISSUE_EXAMPLE, '--json', '--samples'],
    full: ['simulate', FULL_CYCLE, '--json'],
    missing: ['simulate', join(tmp, 'does-not-exist.json'), '--json'],
    invalidJson: ['simulate', bad.invalidJson, '--json'],
    thresholds: ['simulate', bad.thresholds, '--json'],
    unknownField: ['simulate', bad.unknownField, '--json'],
    unknownSetting: ['simulate', bad.unknownSetting, '--json'],
    unknownCommand: ['frobnicate'],
  };
  // All in parallel: each is a whole Node process (about a second of CPU, most of it loading).
  const results = await Promise.all(
    Object.entries(jobs).map(async ([k, args]) => [k, await cli(args)] as const),
  );
  for (const [k, r] of results) runs[k] = r;
}, 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function run(name: string): CliRun {
  const r = runs[name];
  if (!r) throw new Error(`no run ${name}`);
  return r;
}

describe('swictation simulate: the issue example', () => {
  it('climbs NORMAL → WARNING → CRITICAL → EMERGENCY, one level at a time', () => {
    const out = parse(run('issue'));
    const climb = of(out, 'level')
      .slice(0, 3)
      .map((e) => `${e.from}->${e.to}`);
    expect(climb).toEqual(['NORMAL->WARNING', 'WARNING->CRITICAL', 'CRITICAL->EMERGENCY']);
    // The pressure arrives at 2 s: 300 reserved + 6000 other + 1500 stt of 8000.
    expect(of(out, 'level')[0]).toMatchObject({ tMs: 2000, usage: 0.975 });
  });

  it('offloads stt from the GPU to the CPU at EMERGENCY', () => {
    const out = parse(run('issue'));
    expect(placements(out, 'stt').slice(0, 2)).toEqual(['new->gpu', 'gpu->cpu']);
    const offload = of(out, 'placement').find((p) => p.model === 'stt' && p.to === 'cpu');
    const emergency = of(out, 'level').find((e) => e.to === 'EMERGENCY');
    expect(offload?.reason).toMatch(/^EMERGENCY/);
    expect(offload && emergency && offload.tMs >= emergency.tMs).toBe(true);
    expect(of(out, 'action').find((a) => a.name === 'offload')?.detail).toBe('released stt from the GPU');
    expect(placements(out, 'vad')).toEqual(['new->cpu']);
  });

  it('reports the GPU error', () => {
    const out = parse(run('issue'));
    expect(of(out, 'gpu-error')).toMatchObject([
      { tMs: 4000, kind: 'oom', count: 1, limit: 3, message: 'CUDA error: out of memory' },
    ]);
  });

  it('refuses the restore with a reason in MiB', () => {
    const out = parse(run('issue'));
    const refused = of(out, 'refused').filter((e) => e.command === 'restore');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.tMs).toBe(5000);
    expect(refused[0]?.reason).toContain('MiB');
    expect(refused[0]?.reason).toBe('stt needs ~1500 MiB on the GPU plus 256 MiB headroom, 1700 MiB free');
  });

  it('reports the probe failure once, then its recovery', () => {
    const out = parse(run('issue'));
    const probe = of(out, 'probe');
    expect(probe.map((p) => p.ok)).toEqual([false, true]);
    expect(probe[0]).toMatchObject({ tMs: 6000, error: expect.stringContaining('probe failure') as unknown });
    // Three failed readings retried after 100, 200, 400 ms: back at 6.7 s.
    expect(probe[1]?.tMs).toBe(6700);
    expect(out.end.status.probe.ok).toBe(true);
  });

  it('ends with a status that agrees with the events, and no request lost', () => {
    const out = parse(run('issue'));
    expectEndAgreesWithEvents(out);
    expect(out.end.tMs).toBe(12_000);
    expect(out.end.status).toMatchObject({
      level: 'WARNING',
      gpuErrors: { count: 1, limit: 3 },
      permanentCpu: false,
    });
    expect(out.end.status.models.map((m) => `${m.id}@${m.device}`)).toEqual(['vad@cpu', 'stt@cpu']);
  });

  it('prints no sample events without --samples', () => {
    expect(of(parse(run('issue')), 'sample')).toEqual([]);
  });

  it('--samples adds a sample event per reading, on the interval cadence', () => {
    const out = parse(run('issueSamples'));
    const samples = of(out, 'sample');
    expect(samples.length).toBeGreaterThan(100);
    for (const s of samples) {
      expect(s.usage).toBeCloseTo(usageOf(s.sample), 9);
      expect(s.sample.atMs).toBe(s.tMs);
      expect(s.sample.totalMiB).toBe(8000);
    }
    expect(samples.slice(0, 4).map((s) => s.tMs)).toEqual([0, 0, 100, 200]);
    // Apart from the samples, the same story as without them (and a second run gives the same events:
    // virtual time makes a scenario deterministic).
    const rest = { ...out, events: out.events.filter((e) => e.type !== 'sample') };
    expect(withoutTimings(rest)).toEqual(withoutTimings(parse(run('issue'))));
  });
});

describe('swictation simulate: a full cycle (full-cycle.json)', () => {
  it('pressure rises to CRITICAL and a CPU standby is pre-warmed', () => {
    const out = parse(run('full'));
    expect(
      of(out, 'level')
        .slice(0, 2)
        .map((e) => `${e.from}->${e.to}@${e.tMs}`),
    ).toEqual(['NORMAL->WARNING@1000', 'WARNING->CRITICAL@2000']);
    expect(of(out, 'action').find((a) => a.name === 'prewarm-standby')?.detail).toMatch(
      /^stt: CPU standby ready/,
    );
  });

  it('GPU errors hit runs while stt is on the GPU and are retried on the CPU', () => {
    const out = parse(run('full'));
    const errors = of(out, 'gpu-error');
    expect(errors.map((e) => [e.tMs, e.kind, e.count, e.retriedOn, e.model])).toEqual([
      [2500, 'oom', 1, 'cpu', 'stt'],
      [9000, 'device-lost', 2, 'cpu', 'stt'],
      [20_000, 'oom', 3, 'cpu', 'stt'],
    ]);
    // Each error moved stt to the CPU at once, with the error as the reason.
    for (const e of errors) {
      const move = of(out, 'placement').find((p) => p.model === 'stt' && p.tMs === e.tMs && p.to === 'cpu');
      expect(move?.reason).toMatch(new RegExp(`^GPU error \\(${e.kind}\\)`));
    }
    expect(out.end.requests.retriedOnCpu).toBe(3);
  });

  it('restores automatically after the dwell and the GPU-error backoff (5 s, then 10 s)', () => {
    const out = parse(run('full'));
    const auto = of(out, 'placement').filter((p) => p.reason.startsWith('memory recovered'));
    // Memory frees at 3 s (dwell 1 s → 4 s), but the OOM at 2.5 s backs restores off until 7.5 s;
    // the device loss at 9 s backs them off for 10 s more.
    expect(auto.map((p) => [p.model, p.from, p.to, p.tMs])).toEqual([
      ['stt', 'cpu', 'gpu', 7500],
      ['stt', 'cpu', 'gpu', 19_000],
    ]);
    expect(of(out, 'level').find((e) => e.to === 'NORMAL' && e.tMs > 2000)?.tMs).toBeLessThanOrEqual(4000);
  });

  it('3 strikes → permanent CPU: no automatic restore although memory is free', () => {
    const out = parse(run('full'));
    const on = of(out, 'permanent-cpu').find((e) => e.on);
    expect(on?.tMs).toBe(20_000);
    const backToGpu = of(out, 'placement').filter(
      (p) => p.model === 'stt' && p.to === 'gpu' && p.tMs >= 20_000,
    );
    expect(backToGpu.map((p) => [p.tMs, p.reason])).toEqual([[24_000, 'restored by the user']]);
  });

  it('the manual restore clears the fallback and the strikes', () => {
    const out = parse(run('full'));
    expect(of(out, 'permanent-cpu').map((e) => `${String(e.on)}@${e.tMs}`)).toEqual([
      'true@20000',
      'false@24000',
    ]);
    expect(out.end.status).toMatchObject({
      level: 'NORMAL',
      permanentCpu: false,
      gpuErrors: { count: 0, limit: 3 },
    });
    expect(out.end.status.models.find((m) => m.id === 'stt')).toMatchObject({ device: 'gpu', vramMiB: 1500 });
    expect(of(out, 'refused')).toEqual([]);
  });

  it('ends with a status that agrees with the events, and no request lost', () => {
    expectEndAgreesWithEvents(parse(run('full')));
  });
});

describe('swictation simulate: bad input exits 2 with one line on stderr', () => {
  function expectUsageError(name: string, message: string | RegExp): void {
    const r = run(name);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(lines[0]).toMatch(/^swictation: /);
    if (typeof message === 'string') expect(lines[0]).toContain(message);
    else expect(lines[0]).toMatch(message);
  }

  it('a missing file', () =>
    expectUsageError('missing', /cannot read scenario .*does-not-exist\.json: ENOENT$/));
  it('invalid JSON', () => expectUsageError('invalidJson', /invalid\.json is not valid JSON: /));
  it('thresholds out of order', () =>
    expectUsageError('thresholds', 'settings: warning threshold 0.95 must be below critical 0.90'));
  it('an unknown field', () => expectUsageError('unknownField', /unknown\.json: scenario: .*"stepz"/));
  it('an unknown command', () => expectUsageError('unknownCommand', 'unknown command "frobnicate"'));

  // BUG (electron/engine/simulation/scenario.ts): the scenario's `settings` is a z.record checked with the
  // non-strict memorySettingsSchema, so a typo such as "intervalMS" is silently dropped and the scenario runs
  // with the default (2000 ms) — although the schema promises "Unknown fields are errors: typos fail loudly".
  it('an unknown settings field', () => expectUsageError('unknownSetting', 'intervalMS'));
});
