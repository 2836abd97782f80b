// `npm run bench -- probe|monitor|latency|offload|speech|renderer|churn|stalls|backtest|history|idle|all [--quick]`: runs the benchmarks, writes
// bench/results/<name>.json and .md plus bench/results/README.md, and prints the tables.
import { fileURLToPath } from 'node:url';
import { benchDetectionLatency } from './detectionLatency';
import { benchMonitorOverhead } from './monitorOverhead';
import { openNvmlTarget, type NvmlTarget } from './nvmlTarget';
import { benchOffloadRestore } from './offloadRestore';
import { benchProbeCost } from './probeCost';
import { benchRenderer } from './renderer';
import { benchSessionChurn } from './sessionChurn';
import { benchSpeech } from './speech';
import { benchStalls } from './stalls';
import { benchBacktest } from './backtest';
import { benchHistoryPage } from './historyPage';
import { benchIdleRelease } from './idleRelease';
import {
  BENCH_NAMES,
  RESULTS_DIR,
  renderResult,
  writeResult,
  writeSummary,
  type BenchName,
  type BenchResult,
} from './report';

type Runner = (quick: boolean, nvml: () => Promise<NvmlTarget>) => Promise<BenchResult> | BenchResult;

const RUNNERS: Record<BenchName, Runner> = {
  probe: async (quick, nvml) => benchProbeCost(quick, await nvml()),
  monitor: async (quick, nvml) => benchMonitorOverhead(quick, await nvml()),
  latency: benchDetectionLatency,
  offload: benchOffloadRestore,
  speech: benchSpeech,
  renderer: benchRenderer,
  churn: benchSessionChurn,
  stalls: benchStalls,
  backtest: benchBacktest,
  history: benchHistoryPage,
  idle: benchIdleRelease,
};

const USAGE =
  'usage: npm run bench -- [probe|monitor|latency|offload|speech|renderer|churn|stalls|backtest|history|idle|all] [--quick]';

function parse(argv: string[]): { names: BenchName[]; quick: boolean } {
  let quick = false;
  const picked: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === 'all' || (BENCH_NAMES as readonly string[]).includes(arg)) picked.push(arg);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  const names =
    picked.length === 0 || picked.includes('all')
      ? [...BENCH_NAMES]
      : BENCH_NAMES.filter((n) => picked.includes(n));
  return { names, quick };
}

async function main(): Promise<number> {
  let args: { names: BenchName[]; quick: boolean };
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const dir = fileURLToPath(RESULTS_DIR);
  // Built once (the stub is compiled with gcc) and shared by the two benchmarks that read NVML.
  let target: NvmlTarget | null = null;
  const nvml = async (): Promise<NvmlTarget> => (target ??= await openNvmlTarget());
  const done: BenchResult[] = [];
  try {
    for (const name of args.names) {
      process.stderr.write(`bench: ${name}${args.quick ? ' (quick)' : ''}…\n`);
      const result = await RUNNERS[name](args.quick, nvml);
      await writeResult(dir, result);
      done.push(result);
      process.stderr.write(`bench: ${name} done in ${result.seconds.toFixed(1)} s\n`);
    }
  } finally {
    (target as NvmlTarget | null)?.dispose();
  }
  await writeSummary(dir);
  process.stdout.write(`${done.map(renderResult).join('\n')}\nWritten to ${dir}\n`);
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
