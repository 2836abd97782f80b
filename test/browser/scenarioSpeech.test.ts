import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, Cleanup, openApp, SCENARIOS } from './support/browser';
import { openHarnessedBrowser } from './support/harnessedBrowser';
import { heldOutMic, heldOutMicMissing } from './support/heldOutMic';

// `npm run dev:web -- --scenario ui-pressure.json` as the README has it: speech on (dev:web's default) and a
// simulated GPU. The scenario's `stt` is a stand-in for the speech model; the real one takes its place (and
// its 400 MiB of simulated VRAM), so nothing collides and dictation works on the simulated GPU.

const missing = heldOutMicMissing;
if (missing) console.warn(`browser scenario + speech test skipped: ${missing}`);

describe.skipIf(missing !== null)('dev:web with speech on and a scenario', () => {
  let browser: Browser;
  let harness: Harness;
  let expected = '';
  const cleanup = new Cleanup();

  beforeAll(async () => {
    const { clip, chromiumArgs } = await heldOutMic(cleanup);
    expected = clip.text;
    ({ browser, harness } = await openHarnessedBrowser(
      cleanup,
      {
        scenario: path.join(SCENARIOS, 'ui-pressure.json'),
        speech: true,
        settings: { speech: { outputMode: 'none' } },
      },
      chromiumArgs,
    ));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('loads the real model in the stand-in’s place and dictates', async () => {
    const { page, context, problems } = await openApp(browser, harness.url);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 15_000 }).toBe(true);

    const listing = await harness.client.call('models.list');
    expect([listing.active?.id, listing.speechProblem]).toEqual(['tiny-ctc', null]);
    const stt = (await harness.client.call('status')).models.filter((m) => m.role === 'stt');
    // One stt model: the real one, counted at the stand-in's simulated size.
    expect(stt.map((m) => [m.id, m.estimateMiB])).toEqual([['stt', 400]]);
    await expect.poll(() => page.locator(byTestId('model-row-stt')).count()).toBe(1);
    expect(harness.events.filter((t) => t.event.type === 'failure').map((t) => t.event)).toEqual([]);

    const since = harness.events.length;
    await dictate.click();
    // Listening shows the microphone's live level: the fake microphone's speech moves it off zero.
    await expect.poll(() => dictate.getAttribute('data-state'), { timeout: 10_000 }).toBe('listening');
    await expect
      .poll(async () => Number(await page.locator(byTestId('input-level')).getAttribute('value')), {
        timeout: 10_000,
        interval: 50,
      })
      .toBeGreaterThan(0.2);
    const heard = await harness.bridge.waitForEvent((e) => e.type === 'transcript', {
      sinceIndex: since,
      timeoutMs: 30_000,
    });
    await dictate.click();
    if (heard.event.type !== 'transcript') throw new Error('not a transcript');
    expect(heard.event.text).toBe(expected);
    await expect
      .poll(async () => (await page.locator(byTestId('transcript-list')).textContent()) ?? '')
      .toContain(expected);
    expect(problems).toEqual([]);
    await context.close();
  });
});
