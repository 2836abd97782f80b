import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, Cleanup, openApp, SCENARIOS } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';

// Issue 10, item 1: a threshold the user changes applies at once. Other programs hold a steady 97 % of the GPU
// (ui-emergency-steady.json; nothing of ours is on it, so the figure does not move): EMERGENCY.

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

describe.skipIf(chromiumMissing !== null)('a threshold change in Settings at a steady 97 %', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    ({ browser, harness } = await openHarnessedBrowser(cleanup, {
      scenario: path.join(SCENARIOS, 'ui-emergency-steady.json'),
    }));
    await harness.bridge.waitForEvent((e) => e.type === 'level' && e.to === 'EMERGENCY');
  }, 90_000);

  afterAll(() => cleanup.run());

  it('raising the emergency threshold to 99 % turns the badge to CRITICAL within one sampling interval', async () => {
    const popover = await openApp(browser, harness.pageUrl('popover'));
    const badge = popover.page.locator(byTestId('level-badge'));
    await expect.poll(() => badge.textContent()).toMatch(/EMERGENCY/);

    const settings = await openApp(browser, harness.pageUrl('settings'));
    const emergency = settings.page.locator(byTestId('settings-threshold-emergency'));
    await expect.poll(async () => Number(await emergency.inputValue())).toBe(95);
    await emergency.fill('99');
    const save = settings.page.locator(byTestId('settings-save'));
    await expect.poll(() => save.isEnabled()).toBe(true);
    const since = harness.events.length;
    await save.click();

    const critical = await harness.bridge.waitForEvent((e) => e.type === 'level' && e.to === 'CRITICAL', {
      sinceIndex: since,
      timeoutMs: 5000,
    });
    // Re-classified by the settings change itself, not by a later reading: at most one reading came first.
    const readingsBefore = harness.events
      .slice(since, harness.events.indexOf(critical))
      .filter((e) => e.event.type === 'sample').length;
    expect(readingsBefore).toBeLessThanOrEqual(1);
    await expect.poll(() => badge.textContent(), { timeout: 2000 }).toMatch(/CRITICAL/);
    expect((await harness.client.call('status')).level).toBe('CRITICAL');
    expect(popover.problems).toEqual([]);
    expect(settings.problems).toEqual([]);
  });
});
