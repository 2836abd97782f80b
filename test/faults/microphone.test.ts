/**
 * Faults of audio input. In the app (the real renderer in Chromium, against the real engine through the
 * loopback bridge): microphone permission denied, and no microphone at all — the Dictate button says why
 * and is ready again, nothing was started in the engine, and the gauges and Settings keep working. In the
 * headless engine: no recorder installed (parec/arecord missing) and a recorder that cannot open a device
 * — `dictate --input mic` exits with one clear line, and an engine asked to record says it in an event and
 * keeps serving.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../electron/web/rendererBuild';
import { startHarness, type Harness } from '../../electron/web/server';
import { byTestId, chromiumMissing, launchChromium, openApp } from '../browser/support/browser';
import { failures, ROOT, Scratch, speechMissing } from './support';

const run = promisify(execFile);
const scratch = new Scratch();
/** What the Chromium suite keeps for all its cases (its scenario file). */
const suite = new Scratch();
afterEach(() => scratch.release());

const browserMissing = chromiumMissing ?? speechMissing;
if (browserMissing) console.warn(`microphone fault cases in Chromium skipped: ${browserMissing}`);

describe.skipIf(browserMissing !== null)('the microphone in the app', () => {
  let harness: Harness;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    // A steady 75 % GPU with no scenario models: the speech model is the one on it, and Dictate is enabled.
    const home = await suite.home();
    const scenario = join(home, 'steady.json');
    await writeFile(
      scenario,
      JSON.stringify({
        gpu: { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 },
        settings: { intervalMs: 100 },
        models: [],
        steps: [{ atMs: 0, externalMiB: 5700 }],
        durationMs: 600_000,
      }),
    );
    harness = await startHarness({
      scenario,
      speech: true,
      settings: { speech: { outputMode: 'none' } },
    });
    await harness.bridge.waitForEvent((e) => e.type === 'sample' && Math.abs(e.usage - 0.75) < 0.01);
  }, 90_000);
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await harness.stop();
    await suite.release();
  });

  /** Press Dictate; the reason shown, and the app afterwards. */
  async function pressDictate(args: string[]) {
    const browser = await launchChromium(args);
    browsers.push(browser);
    const app = await openApp(browser, harness.url);
    const inputs = await app.page.evaluate(
      async () =>
        (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput').length,
    );
    const since = harness.events.length;
    const dictate = app.page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    await dictate.click();
    const message = app.page.locator(byTestId('dictate-message'));
    await message.waitFor({ timeout: 10_000 });
    return { ...app, dictate, inputs, since, shown: (await message.textContent()) ?? '' };
  }

  /** The rest of the app after a failed start: idle, gauges live, nothing started, Settings saving. */
  async function stillWorks(app: Awaited<ReturnType<typeof pressDictate>>): Promise<void> {
    expect(await app.dictate.getAttribute('data-state')).toBe('idle');
    expect(await app.dictate.isEnabled()).toBe(true);
    expect(await app.page.locator(byTestId('gauge-usage')).textContent()).toMatch(/75/);
    const started = harness.events.slice(app.since).filter((t) => t.event.type === 'dictation');
    expect(started).toEqual([]);
    const settings = await app.context.newPage();
    await settings.goto(harness.pageUrl('settings'));
    const interval = settings.locator(byTestId('settings-interval'));
    await interval.waitFor({ timeout: 10_000 });
    const before = (await harness.client.call('settings.get')).memory.intervalMs;
    await interval.fill(String(before + 50));
    await settings.locator(byTestId('settings-save')).click();
    await expect
      .poll(async () => (await harness.client.call('settings.get')).memory.intervalMs)
      .toBe(before + 50);
    expect(app.problems).toEqual([]);
    await app.context.close();
  }

  it('permission denied: the reason and what to do are shown, and the app keeps working', async () => {
    // Devices exist, but the permission prompt is never answered yes (no fake UI, nothing granted).
    const app = await pressDictate(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
    expect(app.shown).toBe(
      'Microphone permission was denied. Allow microphone access for Swictation, then press Dictate again.',
    );
    await stillWorks(app);
  });

  it('no microphone: the reason is shown, and the app keeps working', async () => {
    // Permission is granted by the fake UI, but there is no fake device; skip on a machine with a real one.
    const app = await pressDictate(['--use-fake-ui-for-media-stream']);
    if (app.inputs > 0) {
      console.warn('no-microphone case skipped: this machine has an audio input');
      await app.context.close();
      return;
    }
    expect(app.shown).toBe('No microphone was found. Connect one, then press Dictate again.');
    await stillWorks(app);
  });
});

/** A PATH holding only a fake `arecord` that fails like ALSA without a capture device (or nothing at all). */
async function pathWithRecorder(home: string, recorder: 'none' | 'no-device'): Promise<string> {
  const bin = join(home, 'bin');
  await mkdir(bin);
  if (recorder === 'no-device') {
    const script = join(bin, 'arecord');
    await writeFile(
      script,
      '#!/bin/sh\necho "arecord: main:831: audio open error: No such file or directory" >&2\nexit 1\n',
    );
    await chmod(script, 0o755);
  }
  return bin;
}

describe.skipIf(speechMissing !== null)('the microphone in the headless engine', () => {
  it.each([
    [
      'no recorder installed',
      'none',
      /no audio recorder found: install parec .* or arecord .*, or give the CLI a WAV file/,
    ],
    [
      'a recorder that cannot open a device',
      'no-device',
      /arecord exited with code 1: arecord: main:831: audio open error/,
    ],
  ] as const)(
    'dictate --input mic, %s: one clear line, nothing written to the history',
    async (_, recorder, said) => {
      const home = await scratch.home();
      const bin = await pathWithRecorder(home, recorder);
      const cli = run(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'electron/engine/cli/main.ts'), 'dictate', '--input', 'mic'],
        {
          cwd: ROOT,
          env: { ...process.env, PATH: bin, SWICTATION_HOME: home, SWICTATION_CLI_ENTRY: '1' },
          timeout: 60_000,
        },
      );
      const result = await cli.then(
        () => ({ code: 0, stderr: '' }),
        (e: unknown) => {
          const failed = e as { code?: number; stderr?: string };
          return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
        },
      );
      expect(result.code).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(said);
      expect(lines.at(-1)).toMatch(/^swictation: /);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(
        await readdir(home).then((names) =>
          names.includes('history') ? readdir(join(home, 'history')) : [],
        ),
      ).not.toContain('transcripts.jsonl');
    },
  );

  it.each([
    ['no recorder installed', 'none', /no audio recorder found: install parec/],
    ['a recorder that cannot open a device', 'no-device', /arecord exited with code 1: .*audio open error/],
  ] as const)(
    'the engine asked to record, %s: a failure event says why, dictation stops, the engine serves',
    async (_, recorder, said) => {
      const home = await scratch.home({ speech: { outputMode: 'none' } });
      const bin = await pathWithRecorder(home, recorder);
      const engine = scratch.engine(['--probe', 'none'], home, { PATH: bin });
      await engine.waitFor((e) => e.type === 'report');
      await engine.client.call('dictation.start', { source: 'mic' });
      await engine.waitFor((e) => e.type === 'dictation' && e.state === 'stopped');
      expect(failures(engine).map((f) => f.during)).toEqual(['dictation (mic)']);
      expect(failures(engine)[0]?.message).toMatch(said);
      // No audio ever arrived: the dictation journal holds nothing for a later start to recover.
      expect(await readdir(join(home, 'history', 'journal'))).toEqual([]);
      // Ready for the next try (e.g. after installing a recorder), and still answering.
      expect((await engine.client.call('status')).level).toBe('NORMAL');
      await engine.client.call('dictation.start', { source: 'push' });
      expect((await engine.client.call('dictation.stop')).transcripts).toBe(0);
    },
  );
});
