import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../harness/server';
import { seriousViolations } from './support/axe';
import {
  byTestId,
  chromiumMissing,
  Cleanup,
  fakeMicArgs,
  openApp,
  SCENARIOS,
  screenshot,
} from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';
import { writeWav16 } from './support/wav';

// Accessibility (issue 12): many people dictate because typing hurts. axe-core checks the popover, Settings
// and History against the real engine (steady simulated GPU at 75 %, speech on); the popover is walked with
// the keyboard alone; the level and the Dictate state are announced in polite live regions.

if (chromiumMissing) console.warn(`browser accessibility test skipped: ${chromiumMissing}`);

const POPOVER = { width: 380, height: 600 };
const SETTINGS_WINDOW = { width: 760, height: 680 };

/** What the focused element shows as its focus: an outline or a ring (box-shadow), or null when nothing. */
function focusMark(page: Page): Promise<{ what: string; mark: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', mark: null };
    const style = getComputedStyle(el);
    const what = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} "${el.textContent.trim().slice(0, 30)}"`;
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
      return { what, mark: `outline ${style.outlineWidth} ${style.outlineStyle}` };
    if (style.boxShadow && style.boxShadow !== 'none') return { what, mark: `ring ${style.boxShadow}` };
    return { what, mark: null };
  });
}

describe.skipIf(chromiumMissing !== null)('accessibility', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    const tmp = cleanup.add(await mkdtemp(path.join(os.tmpdir(), 'swictation-a11y-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    // A silent microphone: dictation starts and stops without a transcript to wait for.
    const silence = path.join(tmp, 'silence.wav');
    await writeWav16(silence, { sampleRate: 16_000, channels: 1, samples: new Int16Array(16_000 * 30) });
    // History has something to list from the start.
    const home = path.join(tmp, 'home');
    await mkdir(path.join(home, 'history'), { recursive: true });
    const entry = (n: number) =>
      JSON.stringify({
        id: `entry-${n}`,
        atMs: Date.now() - n * 60_000,
        text: `transcript number ${n}`,
        device: 'cpu',
        ep: 'cpu',
        model: 'tiny-ctc',
        latencyMs: 120,
        durationMs: 1500,
        source: 'push',
      });
    await writeFile(path.join(home, 'history', 'transcripts.jsonl'), `${[1, 2].map(entry).join('\n')}\n`);
    ({ browser, harness } = await openHarnessedBrowser(
      cleanup,
      {
        scenario: path.join(SCENARIOS, 'ui-steady.json'),
        speech: true,
        home,
        settings: { speech: { outputMode: 'none' } },
      },
      fakeMicArgs(silence),
    ));
    await harness.bridge.waitForEvent((e) => e.type === 'sample' && Math.abs(e.usage - 0.75) < 1e-3);
  }, 120_000);

  afterAll(() => cleanup.run());

  it('axe: no serious or critical violation in the popover (Details closed and open)', async () => {
    const { page, context, problems } = await openApp(browser, harness.url, POPOVER);
    await expect.poll(() => page.locator(byTestId('dictate')).isEnabled(), { timeout: 15_000 }).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    // The check can fail: a nameless button planted in the page is found.
    await page.evaluate(() => {
      const planted = document.createElement('button');
      planted.id = 'planted';
      document.body.appendChild(planted);
    });
    expect((await seriousViolations(page)).map((v) => v.id)).toEqual(['button-name']);
    await page.evaluate(() => document.getElementById('planted')?.remove());

    await page.locator(byTestId('details')).locator('summary').click();
    await expect.poll(() => page.locator(byTestId('event-log')).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.timeline-chart canvas').count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    // Leave Details closed for the next page (the choice is remembered).
    await page.locator(byTestId('details')).locator('summary').click();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('axe: no serious or critical violation in Settings, also with an invalid threshold shown', async () => {
    const { page, context, problems } = await openApp(browser, harness.pageUrl('settings'), SETTINGS_WINDOW);
    await page.locator(byTestId('settings-save')).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator(byTestId('settings-threshold-warning')).fill('95');
    await page.locator(byTestId('settings-threshold-warning-error')).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('axe: no serious or critical violation in History, with entries and the clear-all question', async () => {
    const { page, context, problems } = await openApp(browser, harness.pageUrl('history'), POPOVER);
    await expect.poll(() => page.locator(byTestId('history-entry')).count(), { timeout: 10_000 }).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator(byTestId('history-search')).fill('number 1');
    await page.locator(byTestId('history-clear')).click();
    await page.locator(byTestId('history-clear-cancel')).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the keyboard reaches every popover control with a visible focus, and Enter and Space toggle Dictate', async () => {
    const { page, context, problems } = await openApp(browser, harness.url, POPOVER);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 15_000 }).toBe(true);
    await page.locator(byTestId('details')).locator('summary').click();
    await page.locator(byTestId('event-log')).waitFor();
    // Every enabled control the page offers, to compare with what Tab reaches.
    const controls = await page.evaluate(
      () =>
        Array.from(
          document.querySelectorAll<HTMLElement>(
            'a[href], button, input, select, textarea, summary, [tabindex]',
          ),
        ).filter(
          (el) =>
            !(el as HTMLButtonElement).disabled &&
            el.tabIndex >= 0 &&
            el.offsetParent !== null &&
            !el.closest('[inert]'),
        ).length,
    );
    expect(controls).toBeGreaterThan(4);
    // Start from the top of the document, as a window that just opened (a click on the title moves
    // Chromium's sequential-focus starting point there).
    await page.locator('h1').click();
    const seen: { what: string; mark: string | null }[] = [];
    for (let i = 0; i < controls; i++) {
      await page.keyboard.press('Tab');
      seen.push(await focusMark(page));
    }
    expect(seen.filter((s) => s.mark === null)).toEqual([]);
    expect(new Set(seen.map((s) => s.what)).size).toBe(controls);
    expect(seen.some((s) => s.what.startsWith('button[dictate]'))).toBe(true);
    await screenshot(page, 'popover-keyboard-focus');

    // Dictate by keyboard: Enter starts, Enter stops; Space the same.
    for (const key of ['Enter', 'Space']) {
      await dictate.focus();
      await page.keyboard.press(key);
      await expect.poll(() => dictate.getAttribute('data-state'), { timeout: 10_000 }).toBe('listening');
      expect(await dictate.getAttribute('aria-pressed')).toBe('true');
      await page.keyboard.press(key);
      await expect.poll(() => dictate.getAttribute('data-state'), { timeout: 10_000 }).toBe('idle');
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the level and the Dictate state are announced in polite live regions', async () => {
    const { page, context, problems } = await openApp(browser, harness.url, POPOVER);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 15_000 }).toBe(true);
    const level = page.locator(byTestId('level-announcement'));
    const state = page.locator(byTestId('dictate-announcement'));
    for (const region of [level, state]) {
      expect(await region.getAttribute('role')).toBe('status');
      expect(await region.getAttribute('aria-live')).toBe('polite');
    }
    await expect.poll(() => level.textContent()).toMatch(/^GPU memory level: NORMAL/);
    await dictate.press('Enter');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('Listening');
    await dictate.press('Enter');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('Not dictating');

    // A threshold under the usage changes the level; the region says the new one.
    const saved = await harness.client.call('settings.get');
    await harness.client.call('settings.set', {
      settings: {
        ...saved,
        memory: { ...saved.memory, thresholds: { ...saved.memory.thresholds, warning: 0.7 } },
      },
    });
    try {
      await expect.poll(() => level.textContent(), { timeout: 5000 }).toMatch(/^GPU memory level: WARNING/);
    } finally {
      await harness.client.call('settings.set', { settings: saved });
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
