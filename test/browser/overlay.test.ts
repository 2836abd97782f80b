import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, Cleanup, openApp, recordValue, screenshot, valueLog } from './support/browser';
import { seriousViolations } from './support/axe';
import { type Clip, heldOutMicMissing, openSpokenBrowser } from './support/heldOutMic';

// The recording overlay (#overlay) during a real dictation: Chromium's fake microphone plays a held-out
// sentence into the popover (as test/browser/dictation.test.ts does), the real engine transcribes it, and a
// second page shows the overlay as main's window would: it has no microphone, so its state, level meter and
// elapsed time come from the engine's events alone.

/** Main's overlay window (electron/main/windowPolicy.ts OVERLAY_SIZE). */
const OVERLAY_VIEWPORT = { width: 420, height: 64 };

const missing = heldOutMicMissing;
if (missing) console.warn(`browser overlay test skipped: ${missing}`);

describe.skipIf(missing !== null)('the recording overlay', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();
  let clip: Clip;

  beforeAll(async () => {
    ({ browser, harness, clip } = await openSpokenBrowser(cleanup, 'check memory status'));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('shows listening (level, elapsed time) → transcribing → hidden, announced, with no serious axe findings', async () => {
    const popover = await openApp(browser, harness.url);
    // Its own context, as main's overlay is its own window.
    const context = await browser.newContext({ viewport: OVERLAY_VIEWPORT });
    const overlay = await context.newPage();
    const problems: string[] = [];
    overlay.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    overlay.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await overlay.goto(harness.pageUrl('overlay'));
    const root = overlay.locator(byTestId('overlay'));
    await overlay.locator('[data-testid="overlay"][data-connection="live"]').waitFor({ timeout: 20_000 });
    expect(await root.getAttribute('data-state')).toBe('hidden');
    expect(await overlay.locator(byTestId('overlay-state')).isVisible()).toBe(false);
    expect(await seriousViolations(overlay)).toEqual([]);
    await recordValue(overlay, 'state', byTestId('overlay'), 'data-state');
    await recordValue(overlay, 'announced', byTestId('overlay-announce'));
    await recordValue(overlay, 'level', byTestId('overlay-level'), 'value');
    await recordValue(overlay, 'elapsed', byTestId('overlay-elapsed'));

    const dictate = popover.page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    const since = harness.events.length;
    await dictate.click();
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'listening', {
      sinceIndex: since,
      timeoutMs: 10_000,
    });
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 5000 }).toBe('listening');
    const hint = overlay.locator(byTestId('overlay-hint'));
    expect(await hint.textContent()).toMatch(/^Esc or .+\+.+ to stop$/);
    // The sentence: the meter moves with it (the engine's `input` events), then its transcript arrives.
    await harness.bridge.waitForEvent((e) => e.type === 'transcript', {
      sinceIndex: since,
      timeoutMs: clip.durationMs + 2000 + 15_000,
    });
    expect(await seriousViolations(overlay)).toEqual([]);
    await screenshot(overlay, 'overlay-listening');
    await expect
      .poll(async () => (await valueLog(overlay, 'elapsed')).map((c) => c.value), { timeout: 5000 })
      .toContain('0:02');
    await dictate.click();
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'stopped', {
      sinceIndex: since,
      timeoutMs: 10_000,
    });
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 5000 }).toBe('hidden');

    const states = (await valueLog(overlay, 'state')).map((c) => c.value);
    expect(states).toEqual(['hidden', 'listening', 'transcribing', 'hidden']);
    expect((await valueLog(overlay, 'announced')).map((c) => c.value)).toEqual([
      '',
      'Listening',
      'Transcribing…',
      '',
    ]);
    const levels = (await valueLog(overlay, 'level')).map((c) => Number(c.value));
    // Speech fills most of the meter (-30 to -10 dBFS is 0.5 to 0.83); it ends at 0.
    expect(Math.max(...levels)).toBeGreaterThan(0.3);
    expect(levels.at(-1)).toBe(0);
    const engineLevels = harness.events.slice(since).filter((t) => t.event.type === 'input');
    expect(engineLevels.length).toBeGreaterThan(5);
    console.log(
      `overlay: ${states.join(' → ')}; ${engineLevels.length} input events, meter peak ${Math.max(...levels).toFixed(2)}; ` +
        `elapsed shown ${(await valueLog(overlay, 'elapsed')).map((c) => c.value).join(', ')}`,
    );
    expect(problems).toEqual([]);
    expect(popover.problems).toEqual([]);
    await context.close();
    await popover.context.close();
  });

  it('Esc in the overlay stops a dictation the popover started', async () => {
    const popover = await openApp(browser, harness.url);
    const context = await browser.newContext({ viewport: OVERLAY_VIEWPORT });
    const overlay = await context.newPage();
    await overlay.goto(harness.pageUrl('overlay'));
    await overlay.locator('[data-testid="overlay"][data-connection="live"]').waitFor({ timeout: 20_000 });
    const dictate = popover.page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    // Esc while nothing is dictated starts nothing.
    const before = harness.events.length;
    await overlay.keyboard.press('Escape');
    await dictate.click();
    const root = overlay.locator(byTestId('overlay'));
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 10_000 }).toBe('listening');
    const started = harness.events.slice(before).filter((t) => t.event.type === 'dictation');
    expect(started.map((t) => t.event.type === 'dictation' && t.event.state)).toEqual(['listening']);
    const since = harness.events.length;
    await overlay.keyboard.press('Escape');
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'stopped', {
      sinceIndex: since,
      timeoutMs: 10_000,
    });
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 5000 }).toBe('hidden');
    // The popover hears it too: its microphone is released and its button is back to Dictate.
    await expect.poll(() => dictate.getAttribute('data-state'), { timeout: 5000 }).toBe('idle');
    await context.close();
    await popover.context.close();
  });

  it('windows that connect during a dictation show it at once: the overlay with the time spent, a popover with the level', async () => {
    const popover = await openApp(browser, harness.url);
    const dictate = popover.page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    await dictate.click();
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'listening', {
      timeoutMs: 10_000,
    });
    await new Promise((r) => setTimeout(r, 1500));
    // Opened now: it never saw the `dictation` event.
    const context = await browser.newContext({ viewport: OVERLAY_VIEWPORT });
    const overlay = await context.newPage();
    await overlay.goto(harness.pageUrl('overlay'));
    const root = overlay.locator(byTestId('overlay'));
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 10_000 }).toBe('listening');
    expect(await overlay.locator(byTestId('overlay-elapsed')).textContent()).toMatch(/^0:0[1-9]$/);
    // A second popover (another window, no microphone of its own) shows the dictation and the engine's level.
    const second = await openApp(browser, harness.url);
    const secondDictate = second.page.locator(byTestId('dictate'));
    await expect.poll(() => secondDictate.getAttribute('data-state'), { timeout: 10_000 }).toBe('listening');
    await expect(second.page.locator(byTestId('input-level')).count()).resolves.toBe(1);
    await dictate.click();
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 10_000 }).toBe('hidden');
    await expect.poll(() => secondDictate.getAttribute('data-state'), { timeout: 10_000 }).toBe('idle');
    await context.close();
    await second.context.close();
    await popover.context.close();
  });
});
