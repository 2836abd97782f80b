// (f) RSS under session churn: do sessions hosted on a long-lived worker thread (sessionHost.ts, what the engine
// ships: the event loop stays free during a model load) leak memory that in-process sessions (the baseline in
// inProcessSessions.ts) do not? Each hosting runs in a fresh process that
// creates, runs and releases the tiny model's session over and over — what every offload and restore does —
// and RSS is read as it goes. The two run one after the other in the same benchmark run.
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { nodeEsm, REPO_ROOT } from '../build/app/bundle';
import { machineInfo } from './machine';
import { table, type BenchResult } from './report';
import type { ChurnReport } from './sessionChurnChild';

const CHILD = fileURLToPath(new URL('./sessionChurnChild.ts', import.meta.url));
const MODEL = path.join(REPO_ROOT, 'test/fixtures/models/tiny-ctc/model.onnx');
/** Two folders below the root, like out/app, so node_modules resolves as in the app. */
const BUNDLE_DIR = path.join(REPO_ROOT, 'out', 'bench-churn');

/**
 * How the code runs: 'bundled' is the shipped app's way (esbuild, plain Node, each session worker a .js
 * file); 'sources' is development's (tsx, and each worker thread loads tsx again to import its TypeScript
 * entry, as the soak and the tests run the engine).
 */
type Build = 'bundled' | 'sources';
const RUNS: { hosting: 'in-process' | 'hosted'; build: Build }[] = [
  { hosting: 'in-process', build: 'bundled' },
  { hosting: 'hosted', build: 'bundled' },
  { hosting: 'in-process', build: 'sources' },
  { hosting: 'hosted', build: 'sources' },
];

/** The child and the session worker it starts, bundled like build/app/bundle.ts bundles the engine. */
async function bundleChild(): Promise<string> {
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const common = nodeEsm(REPO_ROOT);
  const child = path.join(BUNDLE_DIR, 'child.mjs');
  await build({ ...common, entryPoints: [CHILD], outfile: child });
  await build({
    ...common,
    entryPoints: [path.join(REPO_ROOT, 'electron/engine/models/sessionHostWorker.ts')],
    outfile: path.join(BUNDLE_DIR, 'sessionHostWorker.js'),
  });
  await writeFile(path.join(BUNDLE_DIR, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return child;
}

function runChild(
  run: (typeof RUNS)[number],
  bundled: string,
  cycles: number,
  every: number,
): Promise<ChurnReport & { build: Build }> {
  const args = run.build === 'bundled' ? [bundled] : ['--import', 'tsx', CHILD];
  const hosting = run.hosting;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args, hosting, String(cycles), String(every), MODEL],
      { maxBuffer: 16 * 1024 * 1024, timeout: 60 * 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${hosting}: ${error.message}\n${stderr}`));
        else
          resolve({
            ...(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChurnReport),
            build: run.build,
          });
      },
    );
  });
}

/** After the first fifth of the cycles (allocators and caches settle), like the soak's warm-up. */
function growth(r: ChurnReport): { baseline: number; final: number; pct: number; max: number } {
  const afterWarmUp = r.rss.filter(([cycle]) => cycle >= r.cycles / 5);
  const first = afterWarmUp[0]?.[1] ?? NaN;
  const last = afterWarmUp.at(-1)?.[1] ?? NaN;
  return {
    baseline: first,
    final: last,
    pct: ((last - first) / first) * 100,
    max: Math.max(...r.rss.map(([, m]) => m)),
  };
}

export async function benchSessionChurn(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  const cycles = quick ? 200 : 1500;
  const every = quick ? 10 : 25;
  const bundled = await bundleChild();
  const reports: (ChurnReport & { build: Build })[] = [];
  for (const run of RUNS) reports.push(await runChild(run, bundled, cycles, every));
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const rows = reports.map((r) => {
    const g = growth(r);
    return [
      r.hosting,
      r.build,
      String(r.cycles),
      `${r.rss[0]?.[1].toFixed(0) ?? '–'} MiB`,
      `${g.baseline.toFixed(0)} MiB`,
      `${g.final.toFixed(0)} MiB`,
      `${g.pct.toFixed(1)} %`,
      `${g.max.toFixed(0)} MiB`,
      `${r.msPerCycle.toFixed(1)} ms`,
    ];
  });
  const markdown = [
    table(
      [
        'hosting',
        'code',
        'cycles',
        'RSS at start',
        'after warm-up',
        'at the end',
        'growth',
        'max',
        'per cycle',
      ],
      rows,
    ),
    '',
    `A cycle: create the tiny CTC model's session on the CPU through the product's factory, run it ${reports[0]?.runsPerCycle ?? 20} times` +
      ' (80 × 300 features), release it. Each row runs in a fresh Node process; RSS is VmRSS every' +
      ` ${every} cycles; warm-up is the first fifth of the cycles. "bundled" is how the shipped app runs (esbuild,` +
      ' plain Node, the session worker a .js file); "sources" is how the tests and the soak run the engine (tsx;' +
      ' each worker thread loads tsx again to import its TypeScript entry).',
  ].join('\n');
  return {
    name: 'churn',
    title: '(g) RSS under session churn: in-process vs worker-hosted sessions',
    quick,
    machine: machineInfo(),
    seconds: (performance.now() - started) / 1000,
    params: { cycles, every },
    data: reports,
    markdown,
  };
}
