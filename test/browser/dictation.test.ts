import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../../electron/web/server';
import { byTestId, Cleanup, openApp, screenshot } from './support/browser';
import { type Clip, heldOutMicMissing, openSpokenBrowser } from './support/heldOutMic';

// Dictation end to end: Chromium's fake microphone plays a held-out espeak-ng sentence (voices never seen in
// training) → getUserMedia → AudioWorklet → 16 kHz frames over the bridge → the real engine (Silero VAD,
// the tiny CTC model the project trains) → the transcript in the popover.

const missing = heldOutMicMissing;
if (missing) console.warn(`browser dictation test skipped: ${missing}`);

describe.skipIf(missing !== null)('dictation from the (fake) microphone', () => {
  let browser: Browser;
  let harness: Harness;
  const cleanup = new Cleanup();
  let clip: Clip;

  beforeAll(async () => {
    ({ browser, harness, clip } = await openSpokenBrowser(cleanup, 'check memory status'));
  }, 120_000);

  afterAll(() => cleanup.run());

  it('the spoken sentence appears in the transcript list', async () => {
    const { page, context, problems } = await openApp(browser, harness.url);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    const since = harness.events.length;
    await dictate.click();
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'listening', {
      sinceIndex: since,
      timeoutMs: 10_000,
    });
    // The clip plays once from the moment the microphone opens: 1 s of silence, the sentence, 1 s of silence.
    const heard = await harness.bridge.waitForEvent((e) => e.type === 'transcript', {
      sinceIndex: since,
      timeoutMs: clip.durationMs + 2000 + 15_000,
    });
    await dictate.click();
    await harness.bridge.waitForEvent((e) => e.type === 'dictation' && e.state === 'stopped', {
      sinceIndex: since,
      timeoutMs: 10_000,
    });
    if (heard.event.type !== 'transcript') throw new Error('not a transcript');
    const list = page.locator(byTestId('transcript-list'));
    await expect
      .poll(async () => (await list.textContent()) ?? '', { timeout: 5000 })
      .toContain(heard.event.text);
    await screenshot(page, 'popover-dictation');
    console.log(
      `fake mic → transcript: "${heard.event.text}" (expected "${clip.text}", ${heard.event.device}/${heard.event.ep}, ` +
        `${Math.round(heard.event.latencyMs)} ms after the end of speech)`,
    );
    expect(heard.event.text).toBe(clip.text);
    expect(problems).toEqual([]);
    // Delivered nowhere, on purpose: no failure to type or paste may be reported.
    expect(harness.events.filter((t) => t.event.type === 'failure').map((t) => t.event)).toEqual([]);
    await context.close();
  });
});
