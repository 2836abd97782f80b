// Results as files: <name>.json (every figure, for tools and notes), <name>.md (the table a person reads) and
// README.md (every benchmark, from whatever results exist, so rerunning one benchmark keeps the others' latest).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeMachine, type MachineInfo } from './machine';

export const BENCH_NAMES = [
  'probe',
  'monitor',
  'latency',
  'offload',
  'speech',
  'renderer',
  'churn',
  'stalls',
  'backtest',
  'history',
  'idle',
] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchResult {
  name: BenchName;
  title: string;
  /** Run with --quick: shorter durations, fewer sizes. */
  quick: boolean;
  machine: MachineInfo;
  /** Wall time the benchmark took. */
  seconds: number;
  params: Record<string, unknown>;
  data: unknown;
  /** Tables and notes in markdown. */
  markdown: string;
}

export const RESULTS_DIR = new URL('./results/', import.meta.url);

/** A figure with an optional unit, or the "no value" dash. */
const NUMERIC = /^(?:[-+≤]?\s*[\d.,]+\s*(?:µs|ms|s|%|×|MiB)?|–)$/;

/** A markdown table; numeric-looking columns are right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => NUMERIC.test(r[c] ?? '')));
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(headers),
    line(headers.map((_, c) => (numeric[c] ? '---:' : '---'))),
    ...rows.map((r) => line(r)),
  ].join('\n');
}

export function renderResult(r: BenchResult): string {
  const run = r.quick ? 'quick run (`--quick`: shorter durations)' : 'full run';
  return [
    `## ${r.title}`,
    '',
    `_Machine: ${describeMachine(r.machine)}; ${run}, ${r.seconds.toFixed(0)} s._`,
    '',
    r.markdown.trim(),
    '',
  ].join('\n');
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function writeResult(dir: string, r: BenchResult): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, `${r.name}.json`), `${JSON.stringify(r, null, 2)}\n`);
  await writeAtomic(join(dir, `${r.name}.md`), `# Benchmark: ${r.name}\n\n${renderResult(r)}`);
}

function isResult(v: unknown): v is BenchResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['name'] === 'string' && typeof r['title'] === 'string' && typeof r['markdown'] === 'string';
}

async function readResult(dir: string, name: BenchName): Promise<BenchResult | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8'));
    return isResult(parsed) ? parsed : null;
  } catch {
    return null; // not run yet on this checkout
  }
}

export async function writeSummary(dir: string): Promise<string> {
  const results = (await Promise.all(BENCH_NAMES.map((n) => readResult(dir, n)))).filter(
    (r): r is BenchResult => r !== null,
  );
  const text = [
    '# Benchmark results',
    '',
    'Written by `npm run bench -- probe|monitor|latency|offload|speech|renderer|all [--quick]` (bench/run.ts); each section is',
    'the latest run of that benchmark, with the machine it ran on. Figures from different machines or runs are',
    'not comparable with each other; the ratios inside one table were measured side by side in one run.',
    '',
    ...results.map(renderResult),
    '## Other results',
    '',
    '- [soak-and-fuzzing.md](soak-and-fuzzing.md): the 60-minute soak ([soak.md](soak.md)) and the IPC fuzzing ([fuzz.md](fuzz.md)).',
    '- [device/README.md](device/README.md): the GPU machine checks (NVIDIA H100).',
    '',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'README.md'), text);
  return text;
}
