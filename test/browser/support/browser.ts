import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Debian's Chromium: browser downloads are impossible here, so playwright-core drives the system one. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results/screenshots');
export const SCENARIOS = path.join(ROOT, 'test/fixtures/scenarios');

/** Why the browser tests cannot run here, or null. */
export const chromiumMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} is not installed (apt-get install -y chromium)`;

/** The flags measured to work headless on the build machines (FACTS.md). */
export const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Chromium's fake microphone plays this WAV once (then silence), with no permission prompt. */
export function fakeMicArgs(wav: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}%noloop`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/** playwright's launch() gives every browser a fresh temporary profile (a new user data dir). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...BASE_ARGS, ...extraArgs] });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors: a test fails on a broken page, not just a wrong one. */
  problems: string[];
}

/**
 * Open a page of the app and wait until it is live on the engine. `prepare` sees the page before it loads
 * (listeners that must not miss the first request).
 */
export async function openApp(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = { width: 440, height: 1000 },
  prepare?: (page: Page) => void,
): Promise<AppPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  prepare?.(page);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  try {
    await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 20_000 });
  } catch (error) {
    const state = await page
      .locator('[data-testid="connection-state"]')
      .textContent({ timeout: 1000 })
      .catch(() => 'no connection-state element');
    throw new Error(
      `the page did not go live: ${state}; ${problems.join('; ')}; ${error instanceof Error ? error.message : ''}`,
    );
  }
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface ValueChange {
  atMs: number;
  value: string | null;
}

/**
 * Record every change of an element's text (or of one attribute) with the page's Date.now(), the same
 * system clock as the harness's event times: UI latency is measured from the engine event, not from
 * whenever a test happened to poll. The element may be replaced by React; the selector is re-read.
 */
export async function recordValue(
  page: Page,
  key: string,
  selector: string,
  attribute?: string,
): Promise<void> {
  await page.evaluate(
    ({ key, selector, attribute }) => {
      const read = () => {
        const el = document.querySelector(selector);
        if (!el) return null;
        return attribute ? el.getAttribute(attribute) : el.textContent;
      };
      const log: { atMs: number; value: string | null }[] = [{ atMs: Date.now(), value: read() }];
      const store = window as unknown as { __valueLogs?: Record<string, typeof log> };
      store.__valueLogs = { ...(store.__valueLogs ?? {}), [key]: log };
      let last = log[0]?.value ?? null;
      new MutationObserver(() => {
        const now = read();
        if (now === last) return;
        last = now;
        log.push({ atMs: Date.now(), value: now });
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    },
    { key, selector, attribute: attribute ?? null },
  );
}

export function valueLog(page: Page, key: string): Promise<ValueChange[]> {
  return page.evaluate((k) => {
    const store = window as unknown as {
      __valueLogs?: Record<string, { atMs: number; value: string | null }[]>;
    };
    return store.__valueLogs?.[k] ?? [];
  }, key);
}

/** When the page first showed `value` at or after `sinceMs` (the engine event), or null if it never did. */
export async function shownAt(
  page: Page,
  key: string,
  value: string,
  sinceMs: number,
): Promise<number | null> {
  const change = (await valueLog(page, key)).find((c) => c.value === value && c.atMs >= sinceMs);
  return change ? change.atMs : null;
}

export const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * What a suite must release, in reverse order of creation. A setup that fails halfway (Chromium up, the
 * engine not) still releases what it made, since afterAll runs the list rather than trusting variables.
 */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add<T>(value: T, release: (v: T) => Promise<unknown>): T {
    this.steps.push(() => release(value));
    return value;
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      await step().catch((error: unknown) => console.warn(`cleanup failed: ${String(error)}`));
    }
  }
}
