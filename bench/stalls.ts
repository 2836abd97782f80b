// (h) Stalls: does the engine's thread stop while models move? `simulate --json --realtime --samples` runs the
// engine's code (MemoryManager, ModelHost, session hosting) against a simulated GPU with an 800 MB dense model as
// `stt`, 100 ms sampling, and requests every 100 ms, through load → WARNING → CRITICAL → EMERGENCY (300 ms later)
// → NORMAL → restore → model switch. The same scenario runs on the code before session hosts (a git worktree of
// BEFORE_REV) and on this checkout, one after the other. Event-loop delay is measured inside the process under test
// by a preloaded probe (stalls/loopProbe.mjs); gaps and EMERGENCY → release times from each stdout line's arrival.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../build/app/bundle';
import { writeDenseModel } from '../test/fixtures/denseModel';
import { machineInfo } from './machine';
import { table, type BenchResult } from './report';
import { CASES, REQUEST_EVERY_MS, stallScenario, type StallCase } from './stalls/scenario';

/** The last commit with in-process sessions and the queued EMERGENCY offload. */
const BEFORE_REV = '5e463ec^';
const PROBE = fileURLToPath(new URL('./stalls/loopProbe.mjs', import.meta.url));
const MiB = 1024 * 1024;

interface Line {
  atMs: number;
  event: { type: string; [key: string]: unknown };
}

interface RunFigures {
  label: string;
  loop: { p50: number; p99: number; max: number; count: number };
  sampleGapMaxMs: number;
  sampleGapP99Ms: number;
  gapsOver250: number;
  samples: number;
  releaseMs: Record<StallCase, number[]>;
  /** From the EMERGENCY `level` event (the confirming reading acted on) to the release. */
  readingMs: number[];
  requests: { served: number; retriedOnCpu: number; lost: number } | null;
  moveMs: { toCpu: number[]; toGpu: number[] };
}

async function runOnce(
  tree: string,
  label: string,
  scenarioFile: string,
  outDir: string,
): Promise<Line[] & { loop?: RunFigures['loop'] }> {
  const loopFile = path.join(outDir, `${label}-loop.json`);
  const child = spawn(
    process.execPath,
    [
      '--import',
      PROBE,
      '--import',
      'tsx',
      path.join(tree, 'electron/engine/cli/main.ts'),
      'simulate',
      scenarioFile,
      '--json',
      '--realtime',
      '--samples',
    ],
    {
      cwd: tree,
      env: { ...process.env, SWICTATION_LOOP_PROBE_OUT: loopFile, SWICTATION_HOME: outDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Line[] = [];
  let reset = false;
  const started = performance.now();
  for await (const text of createInterface({ input: child.stdout })) {
    const event = JSON.parse(text) as Line['event'];
    lines.push({ atMs: performance.now() - started, event });
    if (!reset && event.type === 'sample') {
      reset = true;
      child.kill('SIGUSR2'); // the probe counts from here: module loading is not a stall of the run
    }
  }
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${label}: simulate exited with ${code}`);
  const loop = JSON.parse(await readFile(loopFile, 'utf8')) as RunFigures['loop'];
  return Object.assign(lines, { loop });
}

function figures(
  label: string,
  lines: Line[] & { loop?: RunFigures['loop'] },
  emergencies: { atMs: number; case: StallCase }[],
): RunFigures {
  const tOf = (l: Line): number => Number(l.event['tMs']);
  // Scenario time is virtual time paced to the wall clock: a blocked process fires its timers late but stamps
  // them on time. So everything is timed by arrival here; the earliest arrival maps scenario time to wall time.
  const samples = lines.filter((l) => l.event.type === 'sample' && tOf(l) > 0);
  const offset = Math.min(...samples.map((l) => l.atMs - tOf(l)));
  const arrivals = samples.map((l) => l.atMs);
  const gaps = arrivals
    .slice(1)
    .map((t, i) => t - (arrivals[i] ?? t))
    .sort((a, b) => a - b);
  const releaseMs = Object.fromEntries(CASES.map((c) => [c, [] as number[]])) as Record<StallCase, number[]>;
  const readingMs: number[] = [];
  for (const step of emergencies) {
    const stepAt = offset + step.atMs; // when the GPU reached 97 % on the wall clock
    const released = lines.find(
      (l) =>
        l.atMs >= stepAt &&
        ((l.event.type === 'action' && l.event['name'] === 'offload') ||
          (l.event.type === 'placement' && l.event['from'] === 'gpu' && l.event['to'] === 'cpu')),
    );
    if (!released) continue;
    releaseMs[step.case].push(released.atMs - stepAt);
    // The reading acted on: the last EMERGENCY level event before the release (the step's mapped time can be
    // a little late, so it is not a bound here).
    const reading = lines
      .slice(0, lines.indexOf(released) + 1)
      .filter((l) => l.event.type === 'level' && l.event['to'] === 'EMERGENCY')
      .at(-1);
    if (reading && released.atMs - reading.atMs < 10_000) readingMs.push(released.atMs - reading.atMs);
  }
  const end = lines.find((l) => l.event.type === 'end')?.event;
  const placements = lines.filter((l) => l.event.type === 'placement' && l.event['from'] !== null);
  return {
    label,
    loop: lines.loop ?? { p50: NaN, p99: NaN, max: NaN, count: 0 },
    sampleGapMaxMs: gaps.at(-1) ?? NaN,
    sampleGapP99Ms: gaps[Math.min(gaps.length - 1, Math.ceil(0.99 * gaps.length) - 1)] ?? NaN,
    gapsOver250: gaps.filter((g) => g > 250).length,
    samples: samples.length,
    releaseMs,
    readingMs,
    requests: (end?.['requests'] as RunFigures['requests'] | undefined) ?? null,
    moveMs: {
      toCpu: placements.filter((l) => l.event['to'] === 'cpu').map((l) => Number(l.event['ms'])),
      toGpu: placements.filter((l) => l.event['to'] === 'gpu').map((l) => Number(l.event['ms'])),
    },
  };
}

/** Change the before tree's scenario harness (not the code under test) so both runs drive the same way. */
async function patchFile(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`cannot patch ${file}: "${from}" not found`);
  await writeFile(file, text.replace(from, to));
}

/** A worktree of the code before session hosts, sharing this checkout's node_modules; null when git cannot. */
function beforeTree(dir: string): string | null {
  const tree = path.join(dir, 'before');
  try {
    execFileSync('git', ['worktree', 'add', '--detach', tree, BEFORE_REV], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
    });
    return tree;
  } catch {
    return null;
  }
}

export async function benchStalls(quick: boolean): Promise<BenchResult> {
  const t0 = performance.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'swictation-stalls-'));
  const cycles = quick ? 1 : 2;
  try {
    const modelPath = path.join(dir, 'dense-800.onnx');
    const written = await writeDenseModel(modelPath, 800);
    const modelMiB = Math.round(written.bytes / MiB);
    const runs: RunFigures[] = [];
    const before = beforeTree(dir);
    if (before) {
      await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(before, 'node_modules'));
      // The same pacing and traffic for both: with --realtime, time does not wait for a move to finish (as in
      // this checkout's runScenario.ts), and one request a second (the old format has no requestEveryMs).
      await patchFile(
        path.join(before, 'electron/engine/simulation/runScenario.ts'),
        '    await settle(rig.manager);\n    if (opts.realtime)',
        '    if (opts.realtime) await new Promise((r) => setImmediate(r));\n    else await settle(rig.manager);\n    if (opts.realtime)',
      );
      await patchFile(
        path.join(before, 'electron/engine/simulation/simulatedRig.ts'),
        'this.every(this.scenario.settings.intervalMs, () => {',
        `this.every(${REQUEST_EVERY_MS}, () => {`,
      );
      // The old scenario schema has no "switch" command: the before run skips the model switch.
      const old = stallScenario(modelPath, modelMiB, cycles, false);
      const file = path.join(dir, 'before.json');
      await writeFile(file, JSON.stringify(old.scenario));
      runs.push(
        figures('before (in-process sessions)', await runOnce(before, 'before', file, dir), old.emergencies),
      );
    }
    const now = stallScenario(modelPath, modelMiB, cycles, true);
    const file = path.join(dir, 'after.json');
    await writeFile(file, JSON.stringify(now.scenario));
    runs.push(
      figures('after (session hosts)', await runOnce(REPO_ROOT, 'after', file, dir), now.emergencies),
    );
    return result(runs, { cycles, modelMiB, beforeRev: before ? BEFORE_REV : null }, quick, t0);
  } finally {
    if (existsSync(path.join(dir, 'before'))) {
      execFileSync('git', ['worktree', 'remove', '--force', path.join(dir, 'before')], {
        cwd: REPO_ROOT,
        stdio: 'ignore',
      });
    }
    await rm(dir, { recursive: true, force: true });
  }
}

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '–');
const p95 = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? NaN;
};
const listMs = (values: number[]): string =>
  values.length ? values.map((v) => v.toFixed(0)).join(', ') : '–';

function result(
  runs: RunFigures[],
  params: Record<string, unknown>,
  quick: boolean,
  t0: number,
): BenchResult {
  const header = ['', ...runs.map((r) => r.label)];
  const row = (name: string, cell: (r: RunFigures) => string) => [name, ...runs.map(cell)];
  const rows = [
    row(
      'event-loop delay p50 / p99 / max (ms)',
      (r) => `${f1(r.loop.p50)} / ${f1(r.loop.p99)} / ${f1(r.loop.max)}`,
    ),
    row(
      'GPU readings; gap between two p99 / max (ms)',
      (r) => `${r.samples}; ${f1(r.sampleGapP99Ms)} / ${f1(r.sampleGapMaxMs)}`,
    ),
    row('gaps over 250 ms', (r) => String(r.gapsOver250)),
    ...CASES.map((c) => row(`EMERGENCY → GPU released, ${c} (ms)`, (r) => listMs(r.releaseMs[c]))),
    row('EMERGENCY → GPU released, p95 over all cases (ms)', (r) =>
      f1(p95(CASES.flatMap((c) => r.releaseMs[c]))),
    ),
    row(
      'EMERGENCY reading → GPU released, p95 / max (ms)',
      (r) => `${f1(p95(r.readingMs))} / ${f1(Math.max(...r.readingMs))}`,
    ),
    row('requests served / retried on CPU / lost', (r) =>
      r.requests ? `${r.requests.served} / ${r.requests.retriedOnCpu} / ${r.requests.lost}` : '–',
    ),
    row('moves GPU → CPU, until served (ms)', (r) => listMs(r.moveMs.toCpu)),
    row('moves CPU → GPU (ms)', (r) => listMs(r.moveMs.toGpu)),
  ];
  const markdown = [
    table(header, rows),
    '',
    'Both runs: `simulate --json --realtime --samples` with the same scenario (bench/stalls/scenario.ts), one after' +
      ' the other on this machine; the model is an 800 MB dense ONNX model run for real on the CPU while its GPU' +
      ' placement is simulated VRAM. Event-loop delay: perf_hooks.monitorEventLoopDelay inside the process' +
      ' (bench/stalls/loopProbe.mjs, 5 ms resolution), counted from the first GPU reading. Everything else is timed' +
      ' by when each stdout line arrived (scenario time is virtual time paced to the wall clock: a blocked process' +
      ' fires its timers late but stamps them on time); the earliest-arriving reading maps scenario time to the wall' +
      ' clock. "EMERGENCY → GPU released" is from the wall time of the scenario step that takes the GPU to 97 % to' +
      ' the first `offload` action or GPU → CPU `placement` (both codes emit these once the GPU session is' +
      ' released): it includes noticing the step. "EMERGENCY reading → released" starts at the EMERGENCY `level`' +
      ' event instead. "Restore loading": the after code abandons the load at once (nothing of it is on the' +
      ' simulated GPU yet); ONNX Runtime finishes creating the half-built session on its host thread and it is' +
      ' released right then. The before code has no model-switch command, so its run skips that case. Both runs pace' +
      " time the same way (the before tree's scenario runner gets this checkout's realtime pacing) with one request to `stt` a second (none while the model is out for a switch).",
  ].join('\n');
  return {
    name: 'stalls',
    title: '(h) Engine stalls while models move: in-process sessions vs session hosts',
    quick,
    machine: machineInfo(),
    seconds: (performance.now() - t0) / 1000,
    params,
    data: runs,
    markdown,
  };
}
