import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, Cleanup, openApp, SCENARIOS, screenshot } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';

// The tray popover as a user meets it (issue 12 item 1): a 380 × 600 window, dictation first, one memory
// card, the rest folded under Details. Against the real engine on ui-pressure.json (EMERGENCY at ~9 s, then
// memory given back to 54 %, above the 50 % restore threshold, so stt stays on the CPU).

if (chromiumMissing) console.warn(`browser popover test skipped: ${chromiumMissing}`);

const POPOVER = { width: 380, height: 600 };

/** Controls whose text is cut off: more content than box (the "GPU when there is room, els…"). */
function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, select, a, summary, kbd, input, label'))
      .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim()}"`),
  );
}

describe.skipIf(chromiumMissing !== null)('the popover at 380 × 600', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    ({ browser, harness } = await openHarnessedBrowser(cleanup, {
      scenario: path.join(SCENARIOS, 'ui-pressure.json'),
      speech: true,
      settings: { speech: { outputMode: 'none' } },
    }));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('leads with a large Dictate, the hotkey, the last transcript and the memory card, all above the fold', async () => {
    const { page, context, problems } = await openApp(browser, harness.url, POPOVER);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 15_000 }).toBe(true);
    const box = await dictate.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(56);
    expect((box?.y ?? 1e9) + (box?.height ?? 0)).toBeLessThanOrEqual(POPOVER.height);
    expect(await dictate.locator('svg.mic-icon').count()).toBe(1);
    expect(await page.locator(byTestId('dictate-hotkey')).textContent()).toBe('Ctrl+Shift+D');

    for (const id of ['transcript-list', 'memory-card', 'threshold-bar', 'restore-gpu', 'offload-cpu']) {
      const b = await page.locator(byTestId(id)).boundingBox();
      expect(b, `${id} is laid out`).not.toBeNull();
      expect((b?.y ?? 1e9) + (b?.height ?? 0), `${id} ends above the fold`).toBeLessThanOrEqual(
        POPOVER.height,
      );
    }
    expect(await page.locator('[data-testid^="threshold-mark-"]').count()).toBe(4);
    // The page itself fits: Details is collapsed by default and nothing pushes the card down.
    expect(await page.locator(byTestId('details')).getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(
      POPOVER.height,
    );
    expect(await clippedControls(page)).toEqual([]);
    await screenshot(page, 'popover-380x600');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('names the rule that keeps a model on the CPU', async () => {
    const { page, context } = await openApp(browser, harness.url, POPOVER);
    const line = page.locator(byTestId('model-line-stt'));
    // EMERGENCY offloads stt; after the memory is given back, usage stays above the restore threshold.
    await expect
      .poll(async () => (await line.textContent()) ?? '', { timeout: 30_000, interval: 200 })
      .toMatch(/on the CPU: usage \d+\.\d% is above the 50% restore threshold/);
    expect(await line.getAttribute('data-device')).toBe('cpu');
    await screenshot(page, 'popover-380x600-restore-rule');
    await context.close();
  });

  it('Details folds the timeline, models, GPU processes and event log away, and is remembered', async () => {
    const { page, context } = await openApp(browser, harness.url, POPOVER);
    const details = page.locator(byTestId('details'));
    expect(await details.getAttribute('open')).toBeNull();
    expect(await page.locator(byTestId('event-log')).isVisible()).toBe(false);
    await details.locator('summary').click();
    await expect.poll(() => page.locator(byTestId('event-log')).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.timeline-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator(byTestId('timeline-legend')).textContent()).toContain('restore threshold');
    await expect
      .poll(() => page.locator(byTestId('top-processes')).textContent())
      .toContain('other programs');
    await expect.poll(() => page.locator(byTestId('model-row-stt')).isVisible()).toBe(true);
    expect(await clippedControls(page)).toEqual([]);

    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
    expect(await page.locator(byTestId('details')).getAttribute('open')).not.toBeNull();
    await page.locator(byTestId('details')).locator('summary').click();
    await page.reload();
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
    expect(await page.locator(byTestId('details')).getAttribute('open')).toBeNull();
    await context.close();
  });
});
