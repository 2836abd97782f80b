// `npx tsx bench/simulateScaling.ts [--quick]`: how `swictation simulate`'s run time grows with simulated time.
// Each case is a scenario file with a step every 2 s (other programs' memory cycling through NORMAL, WARNING and
// CRITICAL), run by the CLI's own entry (`simulate FILE --json`) in a fresh child process (this file with
// `--child`), which reports the time from its own start (Node and tsx loading included, as a user waits) and its
// peak RSS. Writes bench/results/simulate.{json,md}.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { main as cli } from '../electron/engine/cli/main';
import { describeMachine, machineInfo } from './machine';
import { RESULTS_DIR, table } from './report';

const STEP_EVERY_MS = 2000;
const HOUR_MS = 3600 * 1000;
const EXTERNAL_MIB = [1000, 5500, 6300];

interface ChildResult {
  hours: number;
  steps: number;
  wallMs: number;
  maxRssMiB: number;
}

function scenario(hours: number): { steps: unknown[]; durationMs: number } {
  const steps = Math.round((hours * HOUR_MS) / STEP_EVERY_MS);
  return {
    steps: Array.from({ length: steps }, (_, i) => ({
      atMs: i * STEP_EVERY_MS,
      externalMiB: EXTERNAL_MIB[i % EXTERNAL_MIB.length],
    })),
    durationMs: hours * HOUR_MS,
  };
}

/** The measured run: the CLI's `simulate` in this process, its events to /dev/null (stdout). */
async function child(file: string, hours: number, resultFile: string): Promise<void> {
  const code = await cli(['simulate', file, '--json']);
  if (code !== 0) throw new Error(`simulate exited ${code}`);
  const result: ChildResult = {
    hours,
    steps: scenario(hours).steps.length,
    wallMs: performance.now(), // since this process started
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  await writeFile(resultFile, JSON.stringify(result));
}

async function runChild(dir: string, hours: number): Promise<ChildResult> {
  const file = join(dir, `${hours}h.json`);
  const resultFile = join(dir, `${hours}h.result.json`);
  await writeFile(file, JSON.stringify(scenario(hours)));
  const self = fileURLToPath(import.meta.url);
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', self, '--child', file, String(hours), resultFile],
    {
      maxBuffer: 256 << 20,
    },
  );
  return JSON.parse(await readFile(resultFile, 'utf8')) as ChildResult;
}

/**
 * Before the fix, the same scenarios with `/usr/bin/time swictation simulate FILE --json` on this machine
 * (VirtualClock scanned every pending timer per fired timer); the issue measured 204 s for 24 h elsewhere.
 */
const BEFORE: Record<number, string> = {
  3: '1.74 s, 133 MiB',
  6: '3.90 s, 132 MiB',
  12: '18.0 s, 237 MiB',
  24: '118 s, 277 MiB',
};

/** Run time added per simulated hour since the previous row: flat when run time is linear. */
function marginal(previous: ChildResult | undefined, r: ChildResult): string {
  if (!previous) return '–';
  return `${((r.wallMs - previous.wallMs) / (r.hours - previous.hours)).toFixed(0)} ms`;
}

async function main(quick: boolean): Promise<void> {
  const started = performance.now();
  const hours = quick ? [3, 6, 12] : [3, 6, 12, 24, 72];
  const results: ChildResult[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'swictation-bench-simulate-'));
  try {
    for (const h of hours) results.push(await runChild(dir, h)); // one at a time: each is timed alone
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rows = results.map((r, i) => [
    `${r.hours} h`,
    r.steps.toLocaleString('en-US'),
    `${(r.wallMs / 1000).toFixed(2)} s`,
    marginal(results[i - 1], r),
    `${r.maxRssMiB.toFixed(0)} MiB`,
    BEFORE[r.hours] ?? '–',
  ]);
  const markdown = [
    `# Benchmark: simulate`,
    '',
    '## Scenario run time against simulated time',
    '',
    `_Machine: ${describeMachine(machineInfo())}; ${quick ? 'quick run' : 'full run'}, ${((performance.now() - started) / 1000).toFixed(0)} s._`,
    '',
    `A step every ${STEP_EVERY_MS / 1000} s (other programs' memory cycling ${EXTERNAL_MIB.join(' → ')} MiB of 8000), the default models and settings, virtual time, one fresh CLI process per row; the time is the whole run as a user waits for it (about 0.7 s of it is loading Node, tsx and the engine), the RSS the process's peak.`,
    '',
    table(['simulated', 'steps', 'run time', 'each further hour', 'peak RSS', 'before the fix'], rows),
    '',
    'Linear: each further simulated hour costs about the same (the slope from the row above), where before it grew with the length. Before the fix VirtualClock scanned and re-filtered every pending timer for each timer it fired, and a scenario schedules all its steps up front, so run time grew with the square of the step count; it now keeps them in a binary heap.',
    '',
  ].join('\n');
  const out = fileURLToPath(RESULTS_DIR);
  await mkdir(out, { recursive: true });
  await writeFile(
    join(out, 'simulate.json'),
    `${JSON.stringify({ machine: machineInfo(), quick, results }, null, 2)}\n`,
  );
  await writeFile(join(out, 'simulate.md'), markdown);
  process.stdout.write(`${markdown}\nWritten to ${out}\n`);
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await child(args[1] ?? '', Number(args[2]), args[3] ?? '');
} else {
  await main(args.includes('--quick'));
}
