import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, Cleanup, openApp, screenshot } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';

// The History window (issue 12 item 6): search, copy, delete one, clear all (confirmed), each entry with its
// device, model and latency. Against the real engine and a history file written before it starts.

if (chromiumMissing) console.warn(`browser history test skipped: ${chromiumMissing}`);

const TEXTS = ['check memory status', 'open the settings window', 'restore the models to the gpu'];

describe.skipIf(chromiumMissing !== null)('the History window', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    const home = cleanup.add(await mkdtemp(path.join(os.tmpdir(), 'swictation-history-ui-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    await mkdir(path.join(home, 'history'));
    const lines = TEXTS.map((text, n) =>
      JSON.stringify({
        id: `entry-${n}`,
        atMs: Date.now() - (TEXTS.length - n) * 60_000,
        text,
        device: n === 0 ? 'gpu' : 'cpu',
        ep: n === 0 ? 'cuda' : 'cpu',
        latencyMs: 120 + n,
        durationMs: 1500,
        source: 'push',
        // The oldest entry predates the model field: it must still be listed, saying so.
        ...(n === 0 ? {} : { model: 'tiny-ctc' }),
      }),
    );
    await writeFile(path.join(home, 'history', 'transcripts.jsonl'), `${lines.join('\n')}\n`);
    ({ browser, harness } = await openHarnessedBrowser(cleanup, {
      probe: 'none',
      speech: true,
      home,
      settings: { speech: { outputMode: 'none' } },
    }));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('searches, copies, deletes one and clears all after asking', async () => {
    const { page, context, problems } = await openApp(browser, harness.pageUrl('history'));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.origin });
    const entries = page.locator(byTestId('history-entry'));
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBe(3);
    // Newest first; each says device, model and latency.
    expect(await entries.first().locator(byTestId('history-meta')).textContent()).toMatch(
      /CPU · tiny-ctc · 122 ms$/,
    );
    expect(await entries.last().locator(byTestId('history-meta')).textContent()).toMatch(
      /GPU · model not recorded · 120 ms$/,
    );

    await page.locator(byTestId('history-search')).fill('SETTINGS');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await page.locator(byTestId('history-count')).textContent()).toBe('1 of 3 match');
    await entries.first().locator(byTestId('history-copy')).click();
    await expect.poll(() => entries.first().locator(byTestId('history-copy')).textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(TEXTS[1]);

    await entries.first().locator(byTestId('history-delete')).click();
    await expect.poll(() => entries.count()).toBe(0);
    await page.locator(byTestId('history-search')).fill('');
    await expect.poll(() => entries.count()).toBe(2);
    const kept = await harness.client.call('history.list', { limit: 10 });
    expect(kept.entries.map((e) => e.text)).toEqual([TEXTS[2], TEXTS[0]]);

    // Clear all asks first; Cancel keeps everything.
    await page.locator(byTestId('history-clear')).click();
    await page.locator(byTestId('history-clear-cancel')).click();
    expect(await entries.count()).toBe(2);
    await page.locator(byTestId('history-clear')).click();
    await screenshot(page, 'history-clear-confirm');
    await page.locator(byTestId('history-clear-confirm')).click();
    await expect.poll(() => entries.count()).toBe(0);
    expect((await harness.client.call('history.list', { limit: 10 })).entries).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
