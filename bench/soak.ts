// Soak: the real engine process for N minutes under oscillating simulated GPU pressure while fixture audio is
// dictated through the contract at real-time pace. `npm run soak -- --minutes 60 [--out FILE] [--bundled]`
// (--bundled: the engine bundled as the packaged app ships it, under plain Node); exits non-zero
// when a check fails. Writes FILE.json and FILE.md (default bench/results/soak for 60 minutes, else
// bench/results/soak-<N>min; CI passes --out out/soak-ci so the committed hour-long result stays).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleApp } from '../build/app/bundle';
import type { EngineEvent } from '../shared/engineEvents';
import type { ResultOf } from '../shared/contract';
import { readWav } from '../electron/engine/audio/wavFile';
import { forkEngine, type ForkedEngine } from '../test/integration/engine/forkEngine';
import { machineInfo } from './machine';
import { sleep } from './stats';
import {
  compareTransitions,
  downsample,
  rssGrowth,
  type Check,
  type RssGrowth,
  type RssSample,
  type SeenTransition,
} from './soak/checks';
import { dictateOnce, type LoopResult } from './soak/dictationLoop';
import { CYCLE_MS, expectedTransitions, oscillatingScenario } from './soak/oscillation';
import { renderSoak, type SoakResult } from './soak/summary';

const AUDIO_DIR = fileURLToPath(new URL('../test/fixtures/audio/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RSS_EVERY_MS = 2000;
const INFO_EVERY_MS = 60_000;
// Escalations show within a reading or two; a step down waits out the 1 s recovery dwell.
const SETTLE_MS = 3000;
const MAX_WER = 0.15;
/**
 * The leak check (runs of 10 minutes and more): over the last two thirds of the run RSS may rise at most 2 MiB per
 * hour, and it never exceeds the ceiling. A shorter run (CI's 3 minutes) ends while RSS is still settling, so it
 * only catches a gross leak (such as memory kept per utterance): growth under 15 % over its last two thirds.
 */
const MAX_SLOPE_MIB_PER_HOUR = 2;
const MAX_SHORT_GROWTH = 0.15;
/** The engine with its session hosts (one ONNX Runtime per model lane) stays well below this. */
const RSS_CEILING_MIB = 600;
const KEPT_RSS_EVERY_S = 10;

type Transcript = Extract<EngineEvent, { type: 'transcript' }>;

function options(): { minutes: number; out: string; bundled: boolean } {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '60' },
      out: { type: 'string' },
      bundled: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new Error(`--minutes must be a number from 1 to 1440 (got "${values.minutes}")`);
  }
  const fallback = minutes === 60 ? 'bench/results/soak' : `bench/results/soak-${minutes}min`;
  return {
    minutes,
    out: join(ROOT, values.out ?? fallback).replace(/\.(json|md)$/, ''),
    bundled: values.bundled,
  };
}

async function readVmRssMiB(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : null;
}

/** Everything the soak learns from the engine's events, tallied as they come (an hour of samples is not kept). */
class EventTally {
  firstSampleAt: number | null = null;
  readonly transitions: SeenTransition[] = [];
  readonly transcripts: Transcript[] = [];
  readonly failures: string[] = [];
  readonly protocolErrors: string[] = [];
  readonly placements = { toCpu: 0, toGpu: 0 };
  samples = 0;

  take(e: EngineEvent): void {
    // Date.now on both sides (one machine): the scenario's steps start at the engine's first reading.
    const now = Date.now();
    if (e.type === 'sample') {
      this.samples++;
      this.firstSampleAt ??= e.sample.atMs;
    } else if (e.type === 'level') {
      this.transitions.push({ atMs: now - (this.firstSampleAt ?? now), from: e.from, to: e.to });
    } else if (e.type === 'transcript') this.transcripts.push(e);
    else if (e.type === 'failure') this.failures.push(`${e.during}: ${e.message}`);
    else if (e.type === 'protocol-error') this.protocolErrors.push(e.message);
    else if (e.type === 'placement' && e.from !== null) this.placements[e.to === 'cpu' ? 'toCpu' : 'toGpu']++;
  }
}

async function main(): Promise<number> {
  const { minutes, out, bundled } = options();
  const runMs = minutes * 60_000;
  const labels = (
    JSON.parse(readFileSync(join(AUDIO_DIR, 'ten-utterances.json'), 'utf8')) as {
      utterances: { text: string }[];
    }
  ).utterances.map((u) => u.text);
  const { audio } = await readWav(join(AUDIO_DIR, 'ten-utterances.wav'));
  const home = await mkdtemp(join(os.tmpdir(), 'swictation-soak-'));
  await writeFile(join(home, 'settings.json'), JSON.stringify({ speech: { outputMode: 'none' } }));
  const scenarioFile = join(home, 'scenario.json');
  // The schedule runs on past the dictation so the last transitions have time to show.
  const scenarioMs = runMs + 2 * CYCLE_MS;
  await writeFile(scenarioFile, JSON.stringify(oscillatingScenario(scenarioMs)));

  const loadStart = os.loadavg()[0] ?? 0;
  const tally = new EventTally();
  // --bundled: the engine as the packaged app runs it (esbuild, plain Node), not its sources through tsx.
  const bundle = bundled
    ? await bundleApp({ outDir: join(ROOT, 'out', `app-soak-${process.pid}`), renderer: false })
    : null;
  const engine = forkEngine(['--scenario', scenarioFile, '--speech', 'on'], home, {}, bundle?.engine);
  engine.client.onEvent((e) => tally.take(e));
  try {
    return await soak(engine, { minutes, runMs, out, labels, audio, tally, loadStart, bundled });
  } finally {
    await engine.stop();
    await rm(home, { recursive: true, force: true });
    if (bundle) await rm(bundle.outDir, { recursive: true, force: true });
  }
}

interface SoakInput {
  minutes: number;
  runMs: number;
  out: string;
  labels: string[];
  audio: Float32Array;
  tally: EventTally;
  loadStart: number;
  bundled: boolean;
}

async function soak(engine: ForkedEngine, input: SoakInput): Promise<number> {
  const { runMs, labels, audio, tally } = input;
  await engine.waitFor((e) => e.type === 'report', 60_000);
  const pid = engine.child.pid ?? -1;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const rss: RssSample[] = [];
  const loads: number[] = [];
  const infos: ResultOf<'info'>['runtime'][] = [];
  const rssTimer = setInterval(() => {
    // The soak keeps its own tallies: forkEngine's list of every event would hold an hour of samples.
    engine.events.splice(0);
    loads.push(os.loadavg()[0] ?? 0);
    void readVmRssMiB(pid).then((mib) => mib !== null && rss.push({ atS: elapsed() / 1000, rssMiB: mib }));
  }, RSS_EVERY_MS);
  const infoTimer = setInterval(() => {
    void engine.client.call('info').then(
      (i) => infos.push(i.runtime),
      () => undefined,
    );
  }, INFO_EVERY_MS);

  const loops: LoopResult[] = [];
  const loopMs = (audio.length / 16_000) * 1000;
  try {
    // A loop starts only if it can finish inside the run (plus a little for the queue to drain).
    while (elapsed() + loopMs + 2000 <= runMs) {
      loops.push(await dictateOnce(engine.client, audio, labels, () => tally.transcripts));
      process.stdout.write(
        `soak: loop ${loops.length} done at ${(elapsed() / 1000).toFixed(0)} s, ` +
          `${tally.transitions.length} transitions, RSS ${rss.at(-1)?.rssMiB.toFixed(0) ?? '?'} MiB\n`,
      );
    }
    const rest = runMs - elapsed();
    if (rest > 0) await sleep(rest);
  } finally {
    clearInterval(rssTimer);
    clearInterval(infoTimer);
  }
  const endInfo = await engine.client.call('info');
  const pong = await engine.client.call('ping');
  const status = await engine.client.call('status');
  const alive = engine.child.exitCode === null && pong.pid === pid;
  const result = assemble(input, {
    runS: elapsed() / 1000,
    endSinceFirstSampleMs: Date.now() - (tally.firstSampleAt ?? Date.now()),
    loops,
    rss,
    loads,
    infos,
    endInfo: endInfo.runtime,
    alive,
    finalLevel: status.level,
  });
  await mkdir(dirname(input.out), { recursive: true });
  await writeFile(`${input.out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderSoak(result);
  await writeFile(`${input.out}.md`, markdown);
  process.stdout.write(`${markdown}\nwrote ${input.out}.json and .md\n`);
  return result.checks.every((c) => c.ok) ? 0 : 1;
}

interface Measured {
  runS: number;
  endSinceFirstSampleMs: number;
  loops: LoopResult[];
  rss: RssSample[];
  loads: number[];
  infos: ResultOf<'info'>['runtime'][];
  endInfo: ResultOf<'info'>['runtime'];
  alive: boolean;
  finalLevel: string;
}

function assemble(input: SoakInput, m: Measured): SoakResult {
  const { tally } = input;
  const end = m.endSinceFirstSampleMs;
  const transitions = compareTransitions(
    expectedTransitions(input.runMs + 2 * CYCLE_MS),
    tally.transitions,
    end - SETTLE_MS,
    end,
  );
  const expectedUtterances = m.loops.reduce((s, l) => s + l.expected, 0);
  const heard = m.loops.reduce((s, l) => s + l.transcripts.length, 0);
  const short = m.loops.filter((l) => l.transcripts.length !== l.expected || l.counted !== l.expected);
  const refWords = m.loops.reduce((s, l) => s + l.refWords, 0);
  const wer = refWords ? m.loops.reduce((s, l) => s + l.wordEdits, 0) / refWords : 1;
  const growth = rssGrowth(m.rss, m.runS);
  const checks: Check[] = [
    {
      name: 'engine alive',
      ok: m.alive,
      detail: m.alive ? 'same pid answered ping at the end' : 'the engine exited or changed pid',
    },
    transitions,
    {
      name: 'no lost utterance',
      ok: m.loops.length > 0 && short.length === 0 && heard === expectedUtterances,
      detail:
        `${heard} transcripts for ${expectedUtterances} utterances (${m.loops.length} passes × ${input.labels.length})` +
        (short.length ? `; ${short.length} loops short` : ''),
    },
    {
      name: `word error rate ≤ ${MAX_WER}`,
      ok: wer <= MAX_WER,
      detail: `WER ${wer.toFixed(3)} over ${refWords} words`,
    },
    rssCheck(growth, m.runS),
    {
      name: `engine RSS max ≤ ${RSS_CEILING_MIB} MiB`,
      ok: growth.maxMiB <= RSS_CEILING_MIB,
      detail: `${growth.maxMiB.toFixed(1)} MiB`,
    },
    {
      name: 'no background failure',
      ok: tally.failures.length === 0 && tally.protocolErrors.length === 0,
      detail:
        tally.failures.length + tally.protocolErrors.length
          ? [...tally.failures, ...tally.protocolErrors].slice(0, 3).join(' | ')
          : 'no failure or protocol-error events',
    },
  ];
  const latencies = tally.transcripts.map((t) => t.latencyMs).sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  return {
    machine: machineInfo(),
    params: {
      minutes: input.minutes,
      cycleMs: CYCLE_MS,
      rssEveryMs: RSS_EVERY_MS,
      settleMs: SETTLE_MS,
      engine: input.bundled ? 'bundled' : 'sources',
    },
    runS: m.runS,
    load: {
      atStart: input.loadStart,
      mean: m.loads.reduce((s, v) => s + v, 0) / Math.max(1, m.loads.length),
      max: Math.max(0, ...m.loads),
    },
    checks,
    transitions: {
      expected: transitions.expected,
      seen: transitions.seen,
      cycles: Math.floor(end / CYCLE_MS),
      delayMs: summary(transitions.delaysMs),
      offloads: tally.placements.toCpu,
      restores: tally.placements.toGpu,
      finalLevel: m.finalLevel,
    },
    dictation: {
      loops: m.loops.length,
      utterances: expectedUtterances,
      transcripts: heard,
      wer,
      byDevice: {
        gpu: tally.transcripts.filter((t) => t.device === 'gpu').length,
        cpu: tally.transcripts.filter((t) => t.device === 'cpu').length,
      },
      latencyMs: { p50: pct(0.5), p95: pct(0.95), max: latencies.at(-1) ?? NaN },
      maxPushLagMs: Math.max(0, ...m.loops.map((l) => l.maxPushLagMs)),
    },
    rss: { ...growth, samples: downsample(m.rss, KEPT_RSS_EVERY_S) },
    engineRuntime: { end: m.endInfo, timeline: m.infos },
    samples: tally.samples,
  };
}

function rssCheck(growth: RssGrowth, runS: number): Check {
  const trend = `${growth.baselineMiB.toFixed(1)} → ${growth.finalMiB.toFixed(1)} MiB, ${growth.slopeMiBPerHour.toFixed(2)} MiB per hour`;
  if (runS >= 600) {
    return {
      name: `engine RSS slope over the last two thirds ≤ ${MAX_SLOPE_MIB_PER_HOUR} MiB per hour`,
      ok: growth.slopeMiBPerHour <= MAX_SLOPE_MIB_PER_HOUR,
      detail: trend,
    };
  }
  return {
    name: `engine RSS growth over the last two thirds < ${MAX_SHORT_GROWTH * 100} % (short run: gross leaks only)`,
    ok: growth.growth < MAX_SHORT_GROWTH,
    detail: `${trend} (${(growth.growth * 100).toFixed(2)} %)`,
  };
}

function summary(values: number[]) {
  if (!values.length) return { p50: NaN, max: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)] as number, max: sorted.at(-1) as number };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
