import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, Cleanup, openApp, SCENARIOS } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';

// The renderer takes its status from the engine's pushed `status` events (issue 10): against the real engine
// on a steady simulated GPU sampled every 100 ms (ui-steady.json: 75 %, NORMAL), the page's own WebSocket
// carries one `status` request, on connecting, however many samples and changes follow.

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

/** Counts the requests a page sends over its engine socket, by method; attach before the page loads. */
function requestCounter(): { attach: (page: Page) => void; count: (method: string) => number } {
  const counts = new Map<string, number>();
  const attach = (page: Page) =>
    page.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string') return;
        const m = JSON.parse(payload) as { kind?: string; method?: string };
        if (m.kind === 'request' && m.method) counts.set(m.method, (counts.get(m.method) ?? 0) + 1);
      }),
    );
  return { attach, count: (method) => counts.get(method) ?? 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(chromiumMissing !== null)('the renderer follows the pushed status', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    ({ browser, harness } = await openHarnessedBrowser(cleanup, {
      scenario: path.join(SCENARIOS, 'ui-steady.json'),
    }));
    await harness.bridge.waitForEvent((e) => e.type === 'sample' && Math.abs(e.usage - 0.75) < 1e-3);
  }, 90_000);

  afterAll(() => cleanup.run());

  const eventsSince = (index: number, type: string) =>
    harness.events.slice(index).filter((t) => t.event.type === type).length;

  it('no periodic status calls: one on connecting, none over 10 s of samples', async () => {
    const requests = requestCounter();
    const { page, context, problems } = await openApp(browser, harness.url, undefined, requests.attach);
    await page.locator(byTestId('level-badge')).waitFor();
    const since = harness.events.length;
    const before = requests.count('status');
    await sleep(10_000);
    // The engine kept sampling (every 100 ms) and pushing its status; the page asked nothing more.
    expect(eventsSince(since, 'sample')).toBeGreaterThan(30);
    expect(eventsSince(since, 'status')).toBeGreaterThan(10);
    expect(before).toBe(1);
    expect(requests.count('status')).toBe(1);
    expect(await page.locator(byTestId('level-badge')).getAttribute('data-level')).toBe('NORMAL');
    expect(problems).toEqual([]);
    await context.close();
  }, 40_000);

  it('a threshold saved in Settings turns the open popover’s badge, with no status call from either', async () => {
    const popoverRequests = requestCounter();
    const settingsRequests = requestCounter();
    const popover = await openApp(browser, harness.url, undefined, popoverRequests.attach);
    const settings = await openApp(browser, harness.pageUrl('settings'), undefined, settingsRequests.attach);
    const badge = popover.page.locator(byTestId('level-badge'));
    await expect.poll(() => badge.getAttribute('data-level')).toBe('NORMAL');

    const warning = settings.page.locator(byTestId('settings-threshold-warning'));
    await expect.poll(async () => Number(await warning.inputValue())).toBe(80);
    await warning.fill('70');
    const save = settings.page.locator(byTestId('settings-save'));
    await expect.poll(() => save.isEnabled()).toBe(true);
    const savedAt = Date.now();
    await save.click();
    // Pushed: within a sampling interval plus the status throttle (0.1 s + 0.25 s), with room for a busy machine.
    await expect
      .poll(() => badge.getAttribute('data-level'), { timeout: 3000, interval: 50 })
      .toBe('WARNING');
    const tookMs = Date.now() - savedAt;
    expect(tookMs).toBeLessThan(3000);
    await sleep(500);
    expect(popoverRequests.count('status')).toBe(1);
    expect(settingsRequests.count('status')).toBe(1);
    expect(popoverRequests.count('settings.get')).toBe(1);
    expect([...popover.problems, ...settings.problems]).toEqual([]);
    await popover.context.close();
    await settings.context.close();
  }, 60_000);
});
