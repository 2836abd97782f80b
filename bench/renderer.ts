// (f) The renderer under 10 Hz telemetry: the built renderer in headless Chromium against the real engine (the
// browser harness) on a simulated GPU sampled every 100 ms, its external memory stepped every 2 s. Measured over
// a window: the page's CPU time (Chrome DevTools Protocol Performance metrics) and React commits (a minimal
// React DevTools hook installed before the page loads; React DOM calls onCommitFiberRoot on every commit).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/browser/support/browser';
import { ensureRendererBuilt } from '../electron/web/rendererBuild';
import { startHarness, type Harness } from '../electron/web/server';
import { machineInfo } from './machine';
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

export async function benchRenderer(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  const measureS = quick ? 15 : 60;
  await ensureRendererBuilt({ log: (line) => process.stderr.write(`bench: ${line}\n`) });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-bench-renderer-'));
  let harness: Harness | null = null;
  let browser: Browser | null = null;
  try {
    // Start-up (engine, browser, page) takes a few seconds: the steps run well past the end of the window.
    const totalMs = (measureS + 40) * 1000;
    const warningAtMs = Math.round((measureS * 1000) / 2 / STEP_MS) * STEP_MS + 10_000;
    const file = path.join(dir, 'renderer-bench.json');
    await writeFile(file, JSON.stringify(scenario(totalMs, warningAtMs), null, 2));
    harness = await startHarness({ scenario: file, speech: false });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 440, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.addInitScript({ content: COMMIT_COUNTER });
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
    await sleep(measureS * 1000);
    const after = await read();

    const seconds = (after.wall - before.wall) / 1000;
    const samples = harness.events.filter(
      (e) => e.event.type === 'sample' && e.atMs > before.atMs && e.atMs <= after.atMs,
    ).length;
    const levels = harness.events.filter(
      (e) => e.event.type === 'level' && e.atMs > before.atMs && e.atMs <= after.atMs,
    ).length;
    const commits = after.commits - before.commits;
    const cpuMs = Object.fromEntries(
      METRICS.map((k) => [k, (after.metrics[k] - before.metrics[k]) * 1000]),
    ) as Record<Metric, number>;
    const perSecond = (v: number) => v / seconds;
    const data = {
      seconds,
      samples,
      samplesPerSecond: perSecond(samples),
      levelEvents: levels,
      commits,
      commitsPerSecond: perSecond(commits),
      commitsPerSample: samples > 0 ? commits / samples : NaN,
      totalCommitsSinceLoad: after.commits,
      cpuMs,
      cpuMsPerSecond: Object.fromEntries(METRICS.map((k) => [k, perSecond(cpuMs[k])])),
      taskPercentOfCore: perSecond(cpuMs.TaskDuration) / 10,
      pageProblems: problems,
    };
    if (after.commits === 0)
      problems.push('the React DevTools hook saw no commit at all: the commit counts are not valid');

    const rows = [
      ['Samples received at the bridge', `${samples}`, fmt(data.samplesPerSecond)],
      ['React commits', `${commits}`, fmt(data.commitsPerSecond)],
      ['React commits per sample', fmt(data.commitsPerSample), '–'],
      ...METRICS.map((k) => [`Renderer ${k}`, `${fmt(cpuMs[k])} ms`, `${fmt(perSecond(cpuMs[k]))} ms`]),
      ['Renderer main thread busy, % of one core (TaskDuration)', '–', `${fmt(data.taskPercentOfCore)} %`],
    ];
    const markdown = [
      `Headless Chromium (\`/usr/bin/chromium\`, \`--disable-gpu\`) on the built renderer (\`out/renderer\`) via`,
      `the browser harness, against the real engine on a simulated 8 GB GPU sampled every ${INTERVAL_MS} ms`,
      `(10 Hz); other programs' memory changes every ${STEP_MS / 1000} s (${NORMAL_MIB.join(', ')} MiB, one`,
      `excursion to ${WARNING_MIB} MiB = WARNING). Measured over ${fmt(seconds)} s after the page went live and`,
      `settled ${SETTLE_MS / 1000} s; ${levels} level event(s) in the window.`,
      '',
      table(['Measure', 'Over the window', 'Per second'], rows),
      '',
      "CPU time is the page's main thread as Chrome's `Performance.getMetrics` reports it (TaskDuration is all",
      'of it; Script, Layout and RecalcStyle are parts of it); the compositor and GPU process are not counted.',
      'Commits are counted by a minimal React DevTools hook installed before the page loads (React DOM calls',
      "`onCommitFiberRoot` on every commit). Fewer commits than samples means the store's narrow selectors skip",
      'renders for samples whose displayed figures did not change.',
      ...(problems.length > 0 ? ['', `Problems: ${problems.join('; ')}`] : []),
    ].join('\n');
    return {
      name: 'renderer',
      title: '(f) Renderer under 10 Hz telemetry: CPU time and React commits',
      quick,
      machine: machineInfo(),
      seconds: (performance.now() - started) / 1000,
      params: { measureS, settleMs: SETTLE_MS, intervalMs: INTERVAL_MS, stepMs: STEP_MS, warningAtMs },
      data,
      markdown,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await harness?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
