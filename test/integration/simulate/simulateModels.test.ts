import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, stderrLines, type CliRun } from '../cli/runCli';

const PROBE_MODEL = join(ROOT, 'electron/engine/models/probeModel.onnx');
const CTC_MODEL = join(ROOT, 'test/fixtures/models/tiny-ctc/model.onnx');

let tmp = '';
const runs: Record<string, CliRun> = {};
const wallMs: Record<string, number> = {};

/** A scenario whose GPU models are real files: traffic every 2 s for 20 s, so 10 requests each. */
function withModels(models: unknown[], extra: Record<string, unknown> = {}): unknown {
  return {
    models: [{ id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' }, ...models],
    durationMs: 20_000,
    ...extra,
  };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'swictation-simulate-models-'));
  await writeFile(join(tmp, 'text.onnx'), 'not a model\n');
  const scenarios: Record<string, unknown> = {
    pathModels: withModels([
      { id: 'stt', role: 'stt', sizeMiB: 1500, path: PROBE_MODEL },
      { id: 'ctc', role: 'aux', sizeMiB: 10, path: CTC_MODEL, inputShape: [1, 80, 100] },
    ]),
    missingPath: withModels([{ id: 'stt', role: 'stt', sizeMiB: 1500, path: join(tmp, 'nope.onnx') }]),
    directoryPath: withModels([{ id: 'stt', role: 'stt', sizeMiB: 1500, path: tmp }]),
    textPath: withModels([{ id: 'stt', role: 'stt', sizeMiB: 1500, path: join(tmp, 'text.onnx') }]),
    partialThresholds: {
      settings: { thresholds: { restore: 0.3, warning: 0.5, critical: 0.6, emergency: 0.7 } },
      steps: [
        { atMs: 1000, settings: { thresholds: { emergency: 0.97 } } },
        // 300 reserved + 3400 other + 1500 stt = 65 % of 8000: CRITICAL under the kept 0.6, NORMAL under 0.8.
        { atMs: 3000, externalMiB: 3400 },
      ],
      durationMs: 10_000,
    },
    tooLong: { durationMs: 8 * 24 * 3600 * 1000 },
    stepTooLate: {
      steps: [
        { atMs: 0, externalMiB: 100 },
        { atMs: 7 * 24 * 3600 * 1000 + 1, externalMiB: 0 },
      ],
    },
    // Other programs' memory moves every 2 s but stays NORMAL: the steps and samples are what is timed, not the
    // cleanups (real garbage collections) that a level change every step would add.
    aDayOfSteps: {
      steps: Array.from({ length: 43_200 }, (_, i) => ({
        atMs: i * 2000,
        externalMiB: [1000, 2000, 3000][i % 3],
      })),
      durationMs: 24 * 3600 * 1000,
    },
    badShape: withModels([
      { id: 'stt', role: 'stt', sizeMiB: 1500, path: CTC_MODEL, inputShape: [1, 64, 100] },
    ]),
  };
  const queue = Object.entries(scenarios);
  // Two at a time: each is a whole Node process, and the day-long run is timed, so it must not starve.
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const [name, scenario] = job;
      const file = join(tmp, `${name}.json`);
      await writeFile(file, JSON.stringify(scenario));
      const start = performance.now();
      runs[name] = await runCli(['simulate', file, '--json']);
      wallMs[name] = performance.now() - start;
    }
  };
  await Promise.all([worker(), worker()]);
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function run(name: string): CliRun {
  const r = runs[name];
  if (!r) throw new Error(`no run ${name}`);
  return r;
}

interface End {
  tMs: number;
  status: { level: string };
  requests: { served: number; lost: number };
}

function end(r: CliRun): End {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trimEnd().split('\n').at(-1) ?? '{}') as End;
}

function requests(r: CliRun): End['requests'] {
  return end(r).requests;
}

describe('swictation simulate: models with a path run for real on inputs built from their declared inputs', () => {
  it('every request is served, none lost (two models: dynamic dims 1, and the scenario’s inputShape)', () => {
    // 10 traffic ticks × 2 GPU-preferring models.
    expect(requests(run('pathModels'))).toMatchObject({ served: 20, lost: 0 });
  });
});

describe('swictation simulate: steps', () => {
  it('a partial thresholds object keeps the current values of the thresholds it does not name', () => {
    expect(end(run('partialThresholds')).status.level).toBe('CRITICAL');
  });

  it('a day of steps every 2 s runs in seconds: run time grows linearly (204 s before the fix)', () => {
    expect(end(run('aDayOfSteps')).tMs).toBe(24 * 3600 * 1000);
    // Generous for a loaded 2-core machine running the other CLI jobs in parallel; ~2 s alone.
    expect(wallMs['aDayOfSteps']).toBeLessThan(30_000);
  });
});

describe('swictation simulate: a bad model path, inputShape or duration is one line and exit 2', () => {
  it.each([
    ['missingPath', /models\.1 \(stt\): .*nope\.onnx: no such file$/],
    ['directoryPath', /models\.1 \(stt\): .*is a directory, not an ONNX model file$/],
    ['textPath', /models\.1 \(stt\): .*text\.onnx: not an ONNX model/],
    ['tooLong', /durationMs: durationMs must be at most 7 days \(604800000 ms\) of simulated time$/],
    ['stepTooLate', /steps\.1\.atMs: step atMs must be at most 7 days/],
    [
      'badShape',
      /models\.1 \(stt\): inputShape \[1, 64, 100\] does not fit input "audio_signal", declared \[\?, 80, \?\]$/,
    ],
  ])('%s', (name, message) => {
    const r = run(name);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = stderrLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^swictation: /);
    expect(lines[0]).toMatch(message);
  });
});
