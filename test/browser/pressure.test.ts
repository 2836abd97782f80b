import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/engineEvents';
import type { TimedEvent } from '../../electron/web/bridge';
import { ensureRendererBuilt } from '../../electron/web/rendererBuild';
import { startHarness, type Harness } from '../../electron/web/server';
import {
  byTestId,
  chromiumMissing,
  Cleanup,
  launchChromium,
  openApp,
  recordValue,
  SCENARIOS,
  screenshot,
  shownAt,
  type AppPage,
} from './support/browser';

// The tray popover against the real engine on a simulated 8 GB GPU (ui-pressure.json): other programs take
// memory up through WARNING (85 %), CRITICAL (92 %), EMERGENCY (98 %, the stt model is offloaded; 93 %
// after) and give it back (54 %). The restore threshold is 0.5, so only the user's Restore brings stt back.

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

/** The acceptance bound: the UI follows the engine within a second. */
const FOLLOW_MS = 1000;
/** The gap between the bridge's event stamp and the page's is a few ms; never negative by more than clock noise. */
const CLOCK_SLACK_MS = 5;

const usageText = (usage: number) => `${(usage * 100).toFixed(1)}%`;
const mibText = (used: number, total: number) => `${Math.round(used)} / ${Math.round(total)} MiB`;

describe.skipIf(chromiumMissing !== null)('tray popover under GPU memory pressure', () => {
  let browser: Browser;
  let harness: Harness;
  let app: AppPage;
  let page: Page;
  const latencies: Record<string, number> = {};
  const cleanup = new Cleanup();

  beforeAll(async () => {
    await ensureRendererBuilt();
    // Chromium first: the scenario's clock starts with the engine, so the page must be quick after it.
    browser = cleanup.add(await launchChromium(), (b) => b.close());
    harness = cleanup.add(await startHarness({ scenario: path.join(SCENARIOS, 'ui-pressure.json') }), (h) =>
      h.stop(),
    );
    app = cleanup.add(await openApp(browser, harness.url), (a) => a.context.close());
    page = app.page;
    await recordValue(page, 'level', byTestId('level-badge'));
    await recordValue(page, 'stt-device', byTestId('model-row-stt'), 'data-device');
  }, 90_000);

  afterAll(async () => {
    console.log(`UI latency after the engine's event (ms): ${JSON.stringify(latencies)}`);
    await cleanup.run();
  });

  /** The page shows what the engine last measured: same usage and MiB, formatted as the UI promises. */
  async function expectGaugeMatchesEngine(): Promise<void> {
    await expect
      .poll(
        async () => {
          const last = [...harness.events].reverse().find((t) => t.event.type === 'sample')?.event;
          if (last?.type !== 'sample') return 'no sample from the engine yet';
          const shown = `${await page.locator(byTestId('gauge-usage')).textContent()} | ${await page
            .locator(byTestId('gauge-mib'))
            .textContent()}`;
          const engine = `${usageText(last.usage)} | ${mibText(last.sample.usedMiB, last.sample.totalMiB)}`;
          return shown === engine ? 'match' : `page ${shown} vs engine ${engine}`;
        },
        { timeout: 3000, interval: 50 },
      )
      .toBe('match');
  }

  /** Wait for the engine event, then for the page to show `value`, and return how long after the event it did. */
  async function followed(
    key: string,
    value: string,
    locate: () => Promise<string | null>,
    event: TimedEvent,
  ): Promise<number> {
    await expect.poll(locate, { timeout: FOLLOW_MS * 3, interval: 25 }).toBe(value);
    const at = await shownAt(page, key, value, event.atMs - CLOCK_SLACK_MS);
    if (at === null) throw new Error(`${key} never showed ${value} after the engine's event`);
    return at - event.atMs;
  }

  const badge = () => page.locator(byTestId('level-badge')).textContent();
  const sttDevice = () => page.locator(byTestId('model-row-stt')).getAttribute('data-device');
  const levelTo = (level: string) => (e: EngineEvent) => e.type === 'level' && e.to === level;
  const sttTo = (device: string) => (e: EngineEvent) =>
    e.type === 'placement' && e.model === 'stt' && e.to === device;

  it('badge, gauge and model rows follow WARNING, CRITICAL, EMERGENCY and back; Restore to GPU works after', async () => {
    // The page must be live before the scenario's first rise (at 4 s), or latencies would mean nothing.
    expect(
      harness.events.filter((t) => t.event.type === 'level').map((t) => t.event),
      'the page connected after the scenario had started changing levels (machine too slow?)',
    ).toEqual([]);
    await expect.poll(badge).toBe('NORMAL');
    await expect.poll(sttDevice).toBe('gpu');
    await expectGaugeMatchesEngine();
    await screenshot(page, 'popover-1-normal');

    let since = harness.events.length;
    for (const [n, level] of (['WARNING', 'CRITICAL'] as const).entries()) {
      const event = await harness.bridge.waitForEvent(levelTo(level), {
        sinceIndex: since,
        timeoutMs: 15_000,
      });
      since = harness.events.indexOf(event) + 1;
      latencies[level] = await followed('level', level, badge, event);
      expect(
        latencies[level],
        `${level} shown ${latencies[level]} ms after the engine's event`,
      ).toBeLessThanOrEqual(FOLLOW_MS);
      expect(await sttDevice()).toBe('gpu');
      await expectGaugeMatchesEngine();
      await screenshot(page, `popover-${n + 2}-${level.toLowerCase()}`);
    }

    // EMERGENCY: the engine offloads stt to the CPU. Restore is judged on the latest reading (issue 10 item 2):
    // at 93 % stt does not fit with its headroom, and the button says so.
    const emergency = await harness.bridge.waitForEvent(levelTo('EMERGENCY'), { sinceIndex: since });
    latencies.EMERGENCY = await followed('level', 'EMERGENCY', badge, emergency);
    expect(latencies.EMERGENCY).toBeLessThanOrEqual(FOLLOW_MS);
    const offload = await harness.bridge.waitForEvent(sttTo('cpu'), { sinceIndex: since });
    latencies['stt→cpu'] = await followed('stt-device', 'cpu', sttDevice, offload);
    expect(latencies['stt→cpu']).toBeLessThanOrEqual(FOLLOW_MS);
    since = harness.events.indexOf(offload) + 1;
    const restore = page.locator(byTestId('restore-gpu'));
    await expect.poll(() => restore.isDisabled()).toBe(true);
    const reason = page.locator(byTestId('restore-gpu-reason'));
    await expect.poll(() => reason.isVisible()).toBe(true);
    const doesNotFit = /^stt needs ~400 MiB on the GPU/;
    await expect.poll(() => reason.textContent()).toMatch(doesNotFit);
    expect(await restore.getAttribute('title')).toMatch(doesNotFit);
    const status = await harness.client.call('status');
    expect(status.level).toBe('EMERGENCY');
    expect(status.restoreBlocker).toMatch(doesNotFit);
    await expectGaugeMatchesEngine();
    await screenshot(page, 'popover-4-emergency');

    // Memory is given back: NORMAL after the dwell, stt stays on the CPU until the user restores it.
    const normal = await harness.bridge.waitForEvent(levelTo('NORMAL'), { sinceIndex: since });
    latencies.NORMAL = await followed('level', 'NORMAL', badge, normal);
    expect(latencies.NORMAL).toBeLessThanOrEqual(FOLLOW_MS);
    await expectGaugeMatchesEngine();
    await expect.poll(() => restore.isEnabled(), { timeout: 3000 }).toBe(true);
    expect(await sttDevice()).toBe('cpu');
    await screenshot(page, 'popover-5-memory-freed');

    since = harness.events.length;
    await restore.click();
    const back = await harness.bridge.waitForEvent(sttTo('gpu'), { sinceIndex: since, timeoutMs: 10_000 });
    latencies['stt→gpu'] = await followed('stt-device', 'gpu', sttDevice, back);
    expect(latencies['stt→gpu']).toBeLessThanOrEqual(FOLLOW_MS);
    expect((await harness.client.call('status')).models.find((m) => m.id === 'stt')?.device).toBe('gpu');
    expect(await badge()).toBe('NORMAL');
    await expectGaugeMatchesEngine();
    // The event log tells the story the user just watched.
    const log = (await page.locator(byTestId('event-log')).textContent()) ?? '';
    for (const level of ['WARNING', 'CRITICAL', 'EMERGENCY']) expect(log).toContain(level);
    await screenshot(page, 'popover-6-restored');
    expect(app.problems).toEqual([]);
  });
});
