/**
 * Fault: the engine process dies (SIGKILL) while dictating. The speech it had — utterances queued for the
 * recognizer and speech not yet segmented — is in the dictation journal; the next engine on the same data
 * folder transcribes it (flagged recovered, kept in the history) or reports it with the audio kept.
 */
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../electron/web/rendererBuild';
import { startHarness } from '../../electron/web/server';
import { byTestId, chromiumMissing, fakeMicArgs, launchChromium, openApp } from '../browser/support/browser';
import { padWithSilence, readWav16, writeWav16 } from '../browser/support/wav';
import { DictationJournal, journalRoot } from '../../electron/engine/dictation/dictationJournal';
import type { EngineEvent } from '../../shared/engineEvents';
import {
  AUDIO_DIR,
  clip,
  clipAudio,
  concat,
  failures,
  killHard,
  pushAudio,
  Scratch,
  silence,
  speechMissing,
} from './support';

// Above the largest pid_max Linux allows: a process that is certainly dead.
const DEAD_PID = 4_194_401;
const scratch = new Scratch();
afterEach(() => scratch.release());

type Transcript = Extract<EngineEvent, { type: 'transcript' }>;
const recoveredTranscripts = (events: EngineEvent[]) =>
  events.filter((e): e is Transcript => e.type === 'transcript' && e.recovered === true);

describe.skipIf(speechMissing !== null)('engine killed mid-dictation', () => {
  it('the utterance being spoken when the engine died is transcribed after the restart, nothing twice', async () => {
    const first = clip('check memory status');
    const second = clip('hello world');
    // A long end-of-speech silence: the second sentence is still "being spoken" when the engine dies.
    const home = await scratch.home({ speech: { outputMode: 'none', silenceMs: 2500 } });
    const before = scratch.engine(['--probe', 'none'], home);
    await before.waitFor((e) => e.type === 'report');
    await before.client.call('dictation.start', { source: 'push' });
    await pushAudio(before, concat(await clipAudio(first), silence(3000), await clipAudio(second)));
    // Every audio.push has returned: the engine had all of it, and the second sentence cannot have ended.
    const sessions = await readdir(journalRoot(join(home, 'history')));
    expect(sessions).toHaveLength(1);
    await killHard(before);

    const after = scratch.engine(['--probe', 'none'], home);
    await after.waitFor(
      (e) => e.type === 'transcript' && e.recovered === true && e.text === second.text,
      30_000,
    );
    const history = await after.client.call('history.list', { limit: 10 });
    // The first sentence was either transcribed before the kill or recovered now: once, either way.
    expect(history.entries.map((h) => h.text).sort()).toEqual([first.text, second.text].sort());
    expect(history.entries.find((h) => h.text === second.text)?.source).toBe('push (recovered)');
    expect(failures(after)).toEqual([]);
    // The journal is empty again, and the engine goes on dictating.
    await expect.poll(() => readdir(journalRoot(join(home, 'history')))).toEqual([]);
    expect((await after.client.call('status')).models.map((m) => m.id)).toEqual(['stt']);
    await after.client.call('dictation.start', { source: 'push' });
    await pushAudio(after, concat(await clipAudio(first), silence(3000)));
    expect((await after.client.call('dictation.stop')).transcripts).toBe(1);
  });

  it('queued utterances are transcribed; unreadable and already-tried ones are reported with their audio kept', async () => {
    const home = await scratch.home({ speech: { outputMode: 'none' } });
    const historyDir = join(home, 'history');
    // The journal a dead engine left: three finished utterances that never reached the recognizer.
    const journal = DictationJournal.open(historyDir, 'mic', () => undefined, DEAD_PID);
    const spoken = clip('open new file');
    const audio = await clipAudio(spoken);
    const queued = { audio, startMs: 0, endMs: 2000, endOfSpeechAt: 0, split: false };
    journal.recordUtterance(queued);
    journal.recordUtterance({ ...queued, startMs: 3000, endMs: 5000 });
    journal.recordUtterance({ ...queued, startMs: 6000, endMs: 8000 });
    // The second one's metadata was torn by the crash; the third was already tried by a start that died.
    await writeFile(join(journal.dir, 'utterance-000000048000.json'), '{"key":"0000');
    await writeFile(
      join(journal.dir, 'utterance-000000096000.json'),
      JSON.stringify({ key: '000000096000', startMs: 6000, endMs: 8000, attempts: 1 }),
    );

    const engine = scratch.engine(['--probe', 'none'], home);
    await engine.waitFor((e) => e.type === 'transcript' && e.recovered === true, 30_000);
    await engine.waitFor((e) => e.type === 'failure' && /already/.test(e.message));
    const recovered = recoveredTranscripts(engine.events);
    expect(recovered.map((t) => t.text)).toEqual([spoken.text]);
    const history = await engine.client.call('history.list', { limit: 10 });
    expect(history.entries.map((h) => [h.text, h.source])).toEqual([[spoken.text, 'mic (recovered)']]);

    const lost = failures(engine);
    expect(lost.map((f) => f.during)).toEqual([
      'recovering an interrupted dictation (mic)',
      'recovering an interrupted dictation (mic)',
    ]);
    expect(lost[0]?.message).toMatch(/utterance at 3\.00 s .*journal entry is unreadable.*kept in .*failed/);
    expect(lost[1]?.message).toMatch(/utterance at 6\.00 s .*tried once already.*kept in .*failed.*\.wav/);
    for (const f of lost) {
      const kept = /kept in (\S+)$/.exec(f.message)?.[1] ?? '';
      expect(existsSync(kept), kept).toBe(true);
    }
    await expect.poll(() => readdir(journalRoot(historyDir))).toEqual([]);
  });
});

/** Bytes of not-yet-segmented audio in the journal's live files. */
async function journaledBytes(historyDir: string): Promise<number> {
  const root = journalRoot(historyDir);
  let total = 0;
  for (const session of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(join(root, session)).catch(() => [] as string[])) {
      if (name.startsWith('live-')) total += (await stat(join(root, session, name))).size;
    }
  }
  return total;
}

const appMissing = chromiumMissing ?? speechMissing;
describe.skipIf(appMissing !== null)('engine killed while the app dictates from the microphone', () => {
  it('the app says dictation stopped, and after the restart the sentence appears in its transcript list', async () => {
    const spoken = clip('check memory status');
    const home = await scratch.home();
    const wav = join(home, 'mic.wav');
    await writeWav16(wav, padWithSilence(await readWav16(join(AUDIO_DIR, spoken.file)), 1));
    await ensureRendererBuilt();
    const browser = await launchChromium(fakeMicArgs(wav));
    scratch.later(() => browser.close());
    // The end-of-speech silence is long, so the sentence is still open when the engine is killed.
    const harness = await startHarness({
      speech: true,
      probe: 'none',
      settings: { speech: { outputMode: 'none', silenceMs: 5000 } },
    });
    scratch.later(() => harness.stop());
    const { page, problems } = await openApp(browser, harness.url);
    const dictate = page.locator(byTestId('dictate'));
    await expect.poll(() => dictate.isEnabled(), { timeout: 10_000 }).toBe(true);
    await dictate.click();

    // Kill once the engine has the whole sentence (1 s of silence, the clip, half a second more) on disk.
    const audioBytes = (await clipAudio(spoken)).length * 4 + 1.5 * 16_000 * 4;
    await expect
      .poll(() => journaledBytes(join(harness.home, 'history')), { timeout: 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(audioBytes);
    const since = harness.events.length;
    expect(await harness.killEngine('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    expect(harness.events.slice(0, since).some((t) => t.event.type === 'transcript')).toBe(false);
    const message = page.locator(byTestId('dictate-message'));
    await expect
      .poll(async () => (await message.textContent({ timeout: 10_000 })) ?? '')
      .toMatch(/^Dictation stopped/);

    await harness.restartEngine();
    const recovered = await harness.bridge.waitForEvent(
      (e) => e.type === 'transcript' && e.recovered === true,
      {
        sinceIndex: since,
        timeoutMs: 30_000,
      },
    );
    expect(recovered.event).toMatchObject({ text: spoken.text });
    const list = page.locator(byTestId('transcript-list'));
    await expect
      .poll(async () => (await list.textContent()) ?? '', { timeout: 15_000 })
      .toContain(spoken.text);
    expect((await harness.client.call('history.list', { limit: 5 })).entries.map((h) => h.source)).toEqual([
      'push (recovered)',
    ]);
    expect(problems).toEqual([]);
  });
});
