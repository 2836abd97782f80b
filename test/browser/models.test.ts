import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, Cleanup, openApp, screenshot } from './support/browser';
import { mirroredHomeMissing, openMirroredHome } from './support/mirroredHome';

// Model choice and download in Settings, against the real engine and a loopback "mirror" (the engine's
// --catalog) serving the fixture model under other ids, slowly enough for a progress bar and a cancel.

const missing = mirroredHomeMissing;
if (missing) console.warn(`browser model tests skipped: ${missing}`);

describe.skipIf(missing !== null)('choosing and downloading a speech model in Settings', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    // ~2.3 MB at 256 KiB per 100 ms: about a second of visible progress. The slow one never finishes in time.
    // A steady simulated 8 GB GPU with no models of its own: the speech model is the engine's real one.
    ({ browser, harness } = await openMirroredHome(
      cleanup,
      'swictation-models-ui-',
      [
        {
          id: 'tiny-ctc-mirror',
          details: { title: 'Fixture model (mirror)' },
          model: { pace: { chunkBytes: 256 * 1024, everyMs: 100 } },
        },
        {
          id: 'tiny-ctc-slow',
          details: { title: 'Fixture model (slow mirror)' },
          model: { pace: { chunkBytes: 16 * 1024, everyMs: 200 } },
        },
      ],
      { name: 'Simulated 8 GB', totalMiB: 8000, externalMiB: 3000 },
    ));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('downloads a model with progress, then switches dictation to it on Save', async () => {
    const { page, context, problems } = await openApp(browser, harness.pageUrl('settings'));
    const option = page.locator(byTestId('model-option-tiny-ctc-mirror'));
    const radio = option.locator('input[type="radio"]');
    await expect.poll(() => radio.isDisabled(), { timeout: 10_000 }).toBe(true);
    // The bundled model is the one in use.
    await expect
      .poll(() => page.locator(byTestId('model-option-tiny-ctc')).getAttribute('data-active'))
      .toBe('true');

    await page.locator(byTestId('model-download-tiny-ctc-mirror')).click();
    const progress = page.locator(byTestId('model-progress-tiny-ctc-mirror'));
    await progress.waitFor({ timeout: 5000 });
    const seen: number[] = [];
    while (await progress.isVisible()) {
      const v = await progress.getAttribute('value').catch(() => null);
      if (v !== null) seen.push(Number(v));
      if (seen.length === 3) await screenshot(page, 'settings-model-download');
      await page.waitForTimeout(50);
    }
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await expect.poll(() => radio.isEnabled(), { timeout: 10_000 }).toBe(true);

    const since = harness.events.length;
    await option.locator('label').click();
    const save = page.locator(byTestId('settings-save'));
    await expect.poll(() => save.isEnabled()).toBe(true);
    await save.click();
    const switched = await harness.bridge.waitForEvent((e) => e.type === 'speech', {
      sinceIndex: since,
      timeoutMs: 15_000,
    });
    expect(switched.event).toMatchObject({
      model: { id: 'tiny-ctc-mirror', source: 'installed' },
      problem: null,
    });
    await expect.poll(() => option.getAttribute('data-active'), { timeout: 5000 }).toBe('true');
    expect((await harness.client.call('settings.get')).speech.model).toBe('tiny-ctc-mirror');
    await screenshot(page, 'settings-model-switched');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('cancels a download, keeps its partial file, and offers to download again', async () => {
    const { page, context, problems } = await openApp(browser, harness.pageUrl('settings'));
    await page.locator(byTestId('model-download-tiny-ctc-slow')).click();
    const progress = page.locator(byTestId('model-progress-tiny-ctc-slow'));
    await progress.waitFor({ timeout: 5000 });
    await expect
      .poll(async () => Number(await progress.getAttribute('value')), { timeout: 10_000 })
      .toBeGreaterThan(2); // past the two small files and into model.onnx, so a partial of it exists
    await page.locator(byTestId('model-cancel-tiny-ctc-slow')).click();
    const error = page.locator(byTestId('model-download-error-tiny-ctc-slow'));
    await expect
      .poll(async () => (await error.textContent()) ?? '', { timeout: 10_000 })
      .toMatch(/cancelled/);
    expect(await page.locator(byTestId('model-download-tiny-ctc-slow')).isEnabled()).toBe(true);
    const partial = path.join(harness.home, 'models', '.partial-tiny-ctc-slow', 'model.onnx.partial');
    expect((await stat(partial)).size).toBeGreaterThan(0);
    const listing = await harness.client.call('models.list');
    expect(listing.models.find((m) => m.id === 'tiny-ctc-slow')).toMatchObject({
      installed: false,
      downloading: false,
    });
    expect(problems).toEqual([]);
    await context.close();
  });
});
