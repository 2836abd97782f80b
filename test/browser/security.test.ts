import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, Cleanup, openApp, SCENARIOS } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';

// The renderer's navigation guard (renderer/navigationGuard.ts) in the real page: whatever the page's own
// code or a link tries, the window stays on the app, opens nothing, and the hash routes still work.

if (chromiumMissing) console.warn(`browser tests skipped: ${chromiumMissing}`);

/** Long enough for an unguarded navigation to the loopback server to have committed (it takes a few ms). */
const SETTLE_MS = 600;
/** A site outside the app; answered by the test itself, so an unguarded page would really get there. */
const AWAY = 'https://example.com/';
/** A value only the first document holds: a reload or a new document would lose it. */
const STAYS = 'still the first document';

describe.skipIf(chromiumMissing !== null)('the navigation guard in Chromium', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    ({ browser, harness } = await openHarnessedBrowser(cleanup, {
      scenario: path.join(SCENARIOS, 'ui-steady.json'),
    }));
  }, 90_000);

  afterAll(() => cleanup.run());

  /** The app, live, with what leaves it recorded: main-frame navigations, popups, requests elsewhere. */
  async function openWatched(url: string) {
    const opened = await openApp(browser, url);
    const { context, page } = opened;
    const popups: string[] = [];
    const requestsAway: string[] = [];
    context.on('page', (p) => popups.push(p.url()));
    await context.route(`${AWAY}**`, (route) => route.fulfill({ status: 200, body: 'you left the app' }));
    context.on('request', (r) => {
      if (!r.url().startsWith(harness.origin)) requestsAway.push(r.url());
    });
    await page.evaluate((value) => Object.assign(window, { documentMarker: value }), STAYS);
    return { ...opened, popups, requestsAway };
  }

  const marker = (page: Page) =>
    page.evaluate(() => (window as unknown as { documentMarker?: string }).documentMarker ?? null);

  type Way = 'assign' | 'href' | 'replace' | 'link' | 'link-blank';

  /** Try to leave one way and give it time to take effect. */
  async function attempt(page: Page, way: Way, to: string) {
    await page.evaluate(
      ([way, to]) => {
        const link = (target: string) => {
          const a = document.createElement('a');
          a.href = to;
          a.target = target;
          document.body.appendChild(a);
          a.click();
        };
        const ways: Record<Way, () => void> = {
          assign: () => location.assign(to),
          href: () => (location.href = to),
          replace: () => location.replace(to),
          link: () => link(''),
          'link-blank': () => link('_blank'),
        };
        // Run after evaluate returns, so a navigation that does commit cannot tear down the evaluation.
        setTimeout(ways[way], 0);
      },
      [way, to] as const,
    );
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }

  const otherOrigin = () => `http://localhost:${harness.port}/`;

  // Each way on a fresh page, so each is shown blocked on its own (the first that got through would end the page).
  it.each<{ name: string; way: Way | 'user-click'; to: () => string }>([
    // Same server, other origin: without the guard this page would load (and lose its token and engine).
    { name: 'location.assign() to another origin', way: 'assign', to: otherOrigin },
    { name: 'location.href = another site', way: 'href', to: () => AWAY },
    { name: 'location.replace() to another origin', way: 'replace', to: otherOrigin },
    { name: 'a scripted click on an injected link to another site', way: 'link', to: () => AWAY },
    { name: 'a user’s click on an injected link to another site', way: 'user-click', to: () => AWAY },
    { name: 'a link to another site with target=_blank', way: 'link-blank', to: () => AWAY },
    { name: 'a link to an app route with target=_blank', way: 'link-blank', to: () => '#history' },
  ])('$name leaves the page where it is and opens nothing', async ({ way, to }) => {
    const { page, context, problems, popups, requestsAway } = await openWatched(harness.url);
    const start = page.url();
    expect(await page.evaluate(() => 'navigation' in window)).toBe(true);
    if (way === 'user-click') {
      await page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        a.textContent = 'an outside link';
        a.id = 'outside-link';
        document.body.prepend(a);
      }, to());
      // playwright's mouse events are trusted: the click a user would make.
      await page.locator('#outside-link').click();
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    } else {
      await attempt(page, way, to());
    }
    expect({ url: page.url(), marker: await marker(page) }).toEqual({ url: start, marker: STAYS });
    expect(popups).toEqual([]);
    expect(requestsAway).toEqual([]);
    expect(await page.locator(byTestId('connection-state')).getAttribute('data-state')).toBe('live');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('window.open returns null for any URL and opens no window', async () => {
    const { page, context, problems, popups, requestsAway } = await openWatched(harness.url);
    const opened = await page.evaluate(
      ([away, other, own]) => [
        window.open(away),
        window.open(other, '_blank', 'popup'),
        window.open(own, '_blank'),
        window.open('#settings'),
      ],
      [AWAY, otherOrigin(), harness.url] as const,
    );
    expect(opened).toEqual([null, null, null, null]);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    expect(popups).toEqual([]);
    expect(requestsAway).toEqual([]);
    expect(await marker(page)).toBe(STAYS);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the hash routes still navigate, inside the same document', async () => {
    const { page, context, problems, popups } = await openWatched(harness.url);
    const base = page.url();
    await page.locator('a[href="#settings"]').first().click();
    await page.locator(byTestId('settings-save')).waitFor();
    expect(page.url()).toBe(`${base}#settings`);
    await page.locator('a[href="#history"]').first().click();
    await expect.poll(() => page.url()).toBe(`${base}#history`);
    await expect.poll(() => page.title()).toBe('Swictation — History');
    await page.locator('a[href="#"]').first().click();
    await page.locator(byTestId('level-badge')).waitFor();
    expect(page.url()).toBe(`${base}#`);
    // Script-driven hash changes and history traversal stay allowed too.
    await page.evaluate(() => location.assign('#settings'));
    await page.locator(byTestId('settings-save')).waitFor();
    await page.goBack();
    await page.locator(byTestId('level-badge')).waitFor();
    expect(page.url()).toBe(`${base}#`);
    expect(await marker(page)).toBe(STAYS);
    expect(popups).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
