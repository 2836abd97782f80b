/**
 * `npm run screenshots`: the pictures in README.md and docs/, taken from the real window (the built renderer,
 * served by electron/web/server.ts, as `npm run dev:web` serves it) against the real engine on a simulated GPU
 * (build/screenshots/emergency.json: climbs through WARNING and CRITICAL to an EMERGENCY that holds at 95 %).
 * Each picture is one entry in SHOTS: a view, a viewport, what to wait for, and optionally one element to crop to.
 *   npm run screenshots [-- --only NAME]
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt } from '../../electron/web/rendererBuild';
import { startHarness, type Harness, type ViewName } from '../../electron/web/server';
import { byTestId, fakeMicArgs, launchChromium, openApp } from '../../test/browser/support/browser';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT_DIR = path.join(ROOT, 'docs/screenshots');
const SCENARIO = fileURLToPath(new URL('./emergency.json', import.meta.url));
const POPOVER = { width: 380, height: 600 };
/** Main's overlay window (electron/main/windowPolicy.ts). */
const OVERLAY = { width: 420, height: 64 };
/** What Chromium's fake microphone says while the overlay picture is taken. */
const SPOKEN = path.join(ROOT, 'test/fixtures/audio/heldout-1.wav');

interface Shot {
  /** docs/screenshots/NAME.png */
  name: string;
  view: ViewName;
  viewport: { width: number; height: number };
  /** Resolves once the page shows what the picture is about. */
  ready: (page: Page) => Promise<void>;
  /** Crop to this element; the whole viewport when absent. */
  element?: string;
  /** Chromium flags the picture needs (a fake microphone). */
  chromiumArgs?: string[];
  /** Once the shot's page is live: another page in the same browser does what the picture shows. */
  act?: (browser: Browser, harness: Harness) => Promise<void>;
  /** The shot's page is live on the engine (default: the app's connection badge says so). */
  live?: string;
}

const atEmergency = async (page: Page) => {
  await page.locator(`${byTestId('level-badge')}[data-level="EMERGENCY"]`).waitFor({ timeout: 60_000 });
};

const SHOTS: readonly Shot[] = [
  {
    name: 'popover-emergency',
    view: 'popover',
    viewport: POPOVER,
    ready: async (page) => {
      await atEmergency(page);
      // The memory card's line for stt says it moved to the CPU and why.
      await page
        .getByText(/on the CPU/i)
        .first()
        .waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'settings-thresholds',
    view: 'settings',
    viewport: { width: 560, height: 900 },
    ready: (page) => page.locator(byTestId('threshold-usage')).waitFor({ timeout: 30_000 }),
    element: `fieldset:has(${byTestId('threshold-editor')})`,
  },
  {
    name: 'overlay-listening',
    view: 'overlay',
    viewport: OVERLAY,
    chromiumArgs: fakeMicArgs(SPOKEN),
    // The popover captures the microphone; the overlay, like main's window, only follows the engine.
    act: async (browser, harness) => {
      const { page } = await openApp(browser, harness.pageUrl('popover'), POPOVER);
      // Dictate is enabled once the speech model has loaded.
      await page.locator(`${byTestId('dictate')}:enabled`).click({ timeout: 60_000 });
      await page.locator(`${byTestId('dictate')}[aria-pressed="true"]`).waitFor({ timeout: 20_000 });
    },
    live: `${byTestId('overlay')}[data-connection="live"]`,
    ready: (page) =>
      page.locator(`${byTestId('overlay')}[data-state="listening"]`).waitFor({ timeout: 30_000 }),
  },
];

async function take(harness: Harness, shot: Shot): Promise<string> {
  const browser = await launchChromium(shot.chromiumArgs);
  try {
    const page = await openShot(browser, harness, shot);
    await shot.act?.(browser, harness);
    await shot.ready(page);
    // Let transitions and the last telemetry frame paint.
    await page.waitForTimeout(500);
    const file = path.join(OUT_DIR, `${shot.name}.png`);
    if (shot.element) await page.locator(shot.element).first().screenshot({ path: file });
    else await page.screenshot({ path: file });
    return file;
  } finally {
    await browser.close();
  }
}

async function openShot(browser: Browser, harness: Harness, shot: Shot): Promise<Page> {
  if (shot.live === undefined)
    return (await openApp(browser, harness.pageUrl(shot.view), shot.viewport)).page;
  const page = await (await browser.newContext({ viewport: shot.viewport })).newPage();
  await page.goto(harness.pageUrl(shot.view));
  await page.locator(shot.live).waitFor({ timeout: 20_000 });
  return page;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
  const shots = SHOTS.filter((s) => values.only === undefined || s.name === values.only);
  if (shots.length === 0) throw new Error(`no screenshot named ${String(values.only)}`);
  await ensureRendererBuilt({ log: (line) => process.stdout.write(`${line}\n`) });
  await mkdir(OUT_DIR, { recursive: true });
  const harness = await startHarness({
    scenario: SCENARIO,
    speech: true,
    settings: { speech: { outputMode: 'none' } },
  });
  try {
    for (const shot of shots) process.stdout.write(`${path.relative(ROOT, await take(harness, shot))}\n`);
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
