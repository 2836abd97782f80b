// (f) The renderer under 10 Hz telemetry: the built renderer in headless Chromium against the real engine (the
// browser harness) on a simulated GPU sampled every 100 ms, its external memory stepped every 2 s. Measured over
// a window: the page's CPU time (Chrome DevTools Protocol Performance metrics) and React commits (a minimal
// React DevTools hook installed before the page loads; React DOM calls onCommitFiberRoot on every commit).
// Today's popover and an older commit's are measured in the same run, in alternating blocks, so the machine's
// load (shared build machines) weighs on both alike.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/support/browser';
import { ensureRendererBuilt } from '../electron/web/rendererBuild';
import { RENDERER_DIR, startHarness } from '../electron/web/server';
import { machineInfo } from './machine';
import { buildRendererAt, type BuiltRenderer } from './rendererAtCommit';
import { table, type BenchResult } from './report';
import { fmt, sleep } from './stats';

const TOTAL_MIB = 8000;
const RESERVED_MIB = 300;
const STT_MIB = 1500;
const INTERVAL_MS = 100;
const STEP_MS = 2000;
const SETTLE_MS = 2000;
/** NORMAL (usage 0.35 … 0.79): the gauge's figures change at every step. */
const NORMAL_MIB = [1000, 2500, 4000, 4500, 3000, 1500];
/** 300 + 5200 + 1500 = 7000 MiB of 8000: 0.875, WARNING (above 0.80, below critical 0.90). */
const WARNING_MIB = 5200;
const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;
type Metric = (typeof METRICS)[number];
/** The commit whose run of this benchmark measured the old popover at 4.4 % of a core (bench/results, 2026-11-27). */
const BASELINE_REF = '989b64e';
/** The popover's Details fold (renderer/components/Details.tsx): open, today's popover draws the timeline too. */
const DETAILS_KEY = 'swictation.details.open';
const VIEWPORT = { width: 440, height: 1000 };

/** Every 2 s a new external figure, for `totalMs`; one WARNING excursion in the middle of the window. */
function scenario(totalMs: number, warningAtMs: number) {
  const steps: { atMs: number; externalMiB: number }[] = [];
  for (let i = 0, at = 0; at < totalMs; i++, at += STEP_MS) {
    const mib = at === warningAtMs ? WARNING_MIB : (NORMAL_MIB[i % NORMAL_MIB.length] ?? 1000);
    steps.push({ atMs: at, externalMiB: mib });
  }
  return {
    gpu: { name: 'Simulated 8 GB', totalMiB: TOTAL_MIB, reservedMiB: RESERVED_MIB },
    settings: { intervalMs: INTERVAL_MS },
    models: [{ id: 'stt', role: 'stt', sizeMiB: STT_MIB, prefer: 'gpu' }],
    steps,
    durationMs: totalMs + 60_000,
  };
}

/**
 * Installed before any page script: React DOM finds the hook and reports each commit to it. A string, not a
 * function: tsx (esbuild keepNames) would wrap a function's inner functions in a `__name` the page lacks.
 */
const COMMIT_COUNTER = `
  window.__commits = 0;
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject() { return 1; },
    onCommitFiberRoot() { window.__commits++; },
    onCommitFiberUnmount() {},
    onPostCommitFiberRoot() {},
    onScheduleFiberRoot() {},
    checkDCE() {},
  };
`;

interface Variant {
  key: string;
  label: string;
  rendererDir: string;
  /** Script run before the page's own (beside the commit counter). */
  init: string;
}

/** One block: one page on a fresh engine, measured for a stretch. */
interface Block {
  seconds: number;
  samples: number;
  levels: number;
  commits: number;
  totalCommits: number;
  cpuMs: Record<Metric, number>;
  problems: string[];
}

async function measureBlock(
  browser: Browser,
  v: Variant,
  scenarioFile: string,
  seconds: number,
): Promise<Block> {
  // A fresh engine per block: each page meets the scenario from its start, the same figures at the same times.
  const harness = await startHarness({ scenario: scenarioFile, speech: false, rendererDir: v.rendererDir });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.addInitScript({ content: COMMIT_COUNTER + v.init });
    await page.goto(harness.url);
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 20_000 });
    await sleep(SETTLE_MS);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const read = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const by = new Map(metrics.map((m) => [m.name, m.value]));
      const commits = await page.evaluate(() => (window as unknown as { __commits: number }).__commits);
      return {
        atMs: Date.now(),
        wall: performance.now(),
        commits,
        metrics: Object.fromEntries(METRICS.map((k) => [k, by.get(k) ?? NaN])) as Record<Metric, number>,
      };
    };
    const before = await read();
    await sleep(seconds * 1000);
    const after = await read();
    await context.close();
    const within = (type: string) =>
      harness.events.filter((e) => e.event.type === type && e.atMs > before.atMs && e.atMs <= after.atMs)
        .length;
    if (after.commits === 0)
      problems.push('the React DevTools hook saw no commit at all: the commit counts are not valid');
    return {
      seconds: (after.wall - before.wall) / 1000,
      samples: within('sample'),
      levels: within('level'),
      commits: after.commits - before.commits,
      totalCommits: after.commits,
      cpuMs: Object.fromEntries(
        METRICS.map((k) => [k, (after.metrics[k] - before.metrics[k]) * 1000]),
      ) as Record<Metric, number>,
      problems,
    };
  } finally {
    await harness.stop().catch(() => undefined);
  }
}

/** A variant's blocks summed: per-second figures are over all its measured seconds. */
function summarise(blocks: readonly Block[]) {
  const sum = (f: (b: Block) => number) => blocks.reduce((a, b) => a + f(b), 0);
  const seconds = sum((b) => b.seconds);
  const samples = sum((b) => b.samples);
  const commits = sum((b) => b.commits);
  const cpuMs = Object.fromEntries(METRICS.map((k) => [k, sum((b) => b.cpuMs[k])])) as Record<Metric, number>;
  const perSecond = (v: number) => v / seconds;
  return {
    blocks: blocks.length,
    seconds,
    samples,
    samplesPerSecond: perSecond(samples),
    levelEvents: sum((b) => b.levels),
    commits,
    commitsPerSecond: perSecond(commits),
    commitsPerSample: samples > 0 ? commits / samples : NaN,
    cpuMs,
    cpuMsPerSecond: Object.fromEntries(METRICS.map((k) => [k, perSecond(cpuMs[k])])),
    taskPercentOfCore: perSecond(cpuMs.TaskDuration) / 10,
    pageProblems: [...new Set(blocks.flatMap((b) => b.problems))],
  };
}

/** `uptime`'s line: the load on the machine around the run, as the result quotes it. */
function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}`;
  }
}

export async function benchRenderer(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  const measureS = quick ? 15 : 60;
  /** Each variant's window in this many alternating blocks (a load spike then hits one block, not one variant). */
  const rounds = quick ? 1 : 3;
  const blockS = measureS / rounds;
  const uptimeBefore = uptime();
  await ensureRendererBuilt({ log: (line) => process.stderr.write(`bench: ${line}\n`) });
  process.stderr.write(`bench: building the renderer of ${BASELINE_REF} for the baseline\n`);
  const old: BuiltRenderer = await buildRendererAt(BASELINE_REF);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-bench-renderer-'));
  let browser: Browser | null = null;
  try {
    // Start-up (engine, page) takes a few seconds: the steps run well past the end of each block.
    const totalMs = (blockS + 40) * 1000;
    const warningAtMs = Math.round((blockS * 1000) / 2 / STEP_MS) * STEP_MS + 6000;
    const file = path.join(dir, 'renderer-bench.json');
    await writeFile(file, JSON.stringify(scenario(totalMs, warningAtMs), null, 2));
    const variants: Variant[] = [
      { key: 'old', label: `Old popover (${old.commit})`, rendererDir: old.dir, init: '' },
      {
        key: 'new',
        label: 'New popover, Details closed (default)',
        rendererDir: RENDERER_DIR,
        init: `localStorage.setItem('${DETAILS_KEY}', 'false');`,
      },
      {
        key: 'newOpen',
        label: 'New popover, Details open (timeline drawn)',
        rendererDir: RENDERER_DIR,
        init: `localStorage.setItem('${DETAILS_KEY}', 'true');`,
      },
    ];
    browser = await launchChromium();
    const blocks = new Map<string, Block[]>(variants.map((v) => [v.key, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first, so no variant always follows the same one.
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      for (const v of order) {
        process.stderr.write(`bench: renderer round ${round + 1}/${rounds}: ${v.label}\n`);
        blocks.get(v.key)?.push(await measureBlock(browser, v, file, blockS));
      }
    }
    const uptimeAfter = uptime();
    const results = variants.map((v) => ({ ...v, summary: summarise(blocks.get(v.key) ?? []) }));
    const data = {
      baselineCommit: old.commit,
      uptimeBefore,
      uptimeAfter,
      variants: Object.fromEntries(results.map((r) => [r.key, { label: r.label, ...r.summary }])),
    };
    const column = (f: (s: ReturnType<typeof summarise>) => string) => results.map((r) => f(r.summary));
    const rows = [
      ['Seconds measured', ...column((s) => fmt(s.seconds))],
      ['Samples received at the bridge, per second', ...column((s) => fmt(s.samplesPerSecond))],
      ['Level events in the windows', ...column((s) => `${s.levelEvents}`)],
      ['React commits per second', ...column((s) => fmt(s.commitsPerSecond))],
      ['React commits per sample', ...column((s) => fmt(s.commitsPerSample))],
      ...METRICS.map((k) => [`Renderer ${k}, ms per second`, ...column((s) => fmt(s.cpuMs[k] / s.seconds))]),
      [
        '**Main thread busy, % of one core (TaskDuration)**',
        ...column((s) => `**${fmt(s.taskPercentOfCore)} %**`),
      ],
    ];
    const problems = results.flatMap((r) => r.summary.pageProblems.map((p) => `${r.label}: ${p}`));
    const markdown = [
      `Headless Chromium (\`/usr/bin/chromium\`, \`--disable-gpu\`), ${VIEWPORT.width} × ${VIEWPORT.height}, on two`,
      `builds of the renderer: today's (\`out/renderer\`) and commit ${old.commit}'s, the one whose run measured the`,
      `old popover at 4.4 % (built from \`git archive\` with today's packages, bench/rendererAtCommit.ts). Each page`,
      `runs against its own real engine on a simulated 8 GB GPU sampled every ${INTERVAL_MS} ms (10 Hz); other`,
      `programs' memory changes every ${STEP_MS / 1000} s (${NORMAL_MIB.join(', ')} MiB, one excursion to`,
      `${WARNING_MIB} MiB = WARNING). Each variant is measured for ${fmt(measureS)} s in ${rounds} block(s) of`,
      `${fmt(blockS)} s, the variants alternating (rotated each round), each block after the page went live and`,
      `settled ${SETTLE_MS / 1000} s.`,
      '',
      table(['Measure', ...results.map((r) => r.label)], rows),
      '',
      `Machine load (\`uptime\`) before: \`${uptimeBefore}\`; after: \`${uptimeAfter}\`.`,
      '',
      "CPU time is the page's main thread as Chrome's `Performance.getMetrics` reports it (TaskDuration is all",
      'of it; Script, Layout and RecalcStyle are parts of it); the compositor and GPU process are not counted.',
      'Commits are counted by a minimal React DevTools hook installed before the page loads (React DOM calls',
      "`onCommitFiberRoot` on every commit). Today's popover keeps the timeline under Details, collapsed by",
      'default; with Details open the chart redraws at most once a second (renderer/components/timelineChart.ts).',
      `The old popover measured 4.43 % in its own run (${BASELINE_REF}, 2026-11-27, load average 1.01); the`,
      'figures above are from one run on the same machine, under the load quoted, for both.',
      ...(problems.length > 0 ? ['', `Problems: ${problems.join('; ')}`] : []),
    ].join('\n');
    return {
      name: 'renderer',
      title: '(f) Renderer under 10 Hz telemetry: CPU time and React commits, old popover and new',
      quick,
      machine: machineInfo(),
      seconds: (performance.now() - started) / 1000,
      params: {
        measureS,
        rounds,
        blockS,
        settleMs: SETTLE_MS,
        intervalMs: INTERVAL_MS,
        stepMs: STEP_MS,
        warningAtMs,
        baselineRef: BASELINE_REF,
        viewport: VIEWPORT,
      },
      data,
      markdown,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await old.remove();
    await rm(dir, { recursive: true, force: true });
  }
}
