/** The dictation journal's files: what is on disk after each step, so a crash at any point loses no audio. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DictationJournal, journalRoot } from '../../../electron/engine/dictation/dictationJournal';

let historyDir = '';
beforeEach(async () => {
  historyDir = await mkdtemp(join(tmpdir(), 'swictation-journal-'));
});
afterEach(() => rm(historyDir, { recursive: true, force: true }));

/** Samples whose value is their index in the stream, so any misplaced cut shows. */
function ramp(from: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => from + i);
}

async function floats(file: string): Promise<number[]> {
  const bytes = await readFile(file);
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}

const utterance = (startSample: number, endSample: number) => ({
  startMs: startSample / 16,
  endMs: endSample / 16,
  audio: ramp(startSample, endSample - startSample),
  endOfSpeechAt: 0,
  split: false,
});

describe('DictationJournal', () => {
  it('keeps every received sample until an utterance covers it, then only the tail', async () => {
    const journal = DictationJournal.open(historyDir, 'push', () => undefined);
    journal.appendAudio(ramp(0, 1600));
    journal.appendAudio(ramp(1600, 1600));
    expect(await readdir(journal.dir)).toEqual(['live-0.f32', 'session.json']);
    expect(await floats(join(journal.dir, 'live-0.f32'))).toEqual(Array.from(ramp(0, 3200)));
    expect(JSON.parse(await readFile(join(journal.dir, 'session.json'), 'utf8'))).toEqual({
      pid: process.pid,
      source: 'push',
    });

    journal.recordUtterance(utterance(800, 2400));
    expect((await readdir(journal.dir)).sort()).toEqual([
      'live-2400.f32',
      'session.json',
      'utterance-000000000800.f32',
      'utterance-000000000800.json',
    ]);
    expect(await floats(join(journal.dir, 'live-2400.f32'))).toEqual(Array.from(ramp(2400, 800)));
    expect(await floats(join(journal.dir, 'utterance-000000000800.f32'))).toEqual(
      Array.from(ramp(800, 1600)),
    );
    // Appends after a cut land in the new live file, in order.
    journal.appendAudio(ramp(3200, 400));
    expect(await floats(join(journal.dir, 'live-2400.f32'))).toEqual(Array.from(ramp(2400, 1200)));
    expect(journal.holdsUnsegmentedAudio).toBe(true);

    journal.settle('000000000800');
    expect((await readdir(journal.dir)).sort()).toEqual(['live-2400.f32', 'session.json']);
    journal.close({ keep: false });
    expect(await readdir(journalRoot(historyDir))).toEqual([]);
  });

  it('an utterance ending at the newest sample leaves an empty live file', async () => {
    const journal = DictationJournal.open(historyDir, 'mic', () => undefined);
    journal.appendAudio(ramp(0, 1000));
    journal.recordUtterance(utterance(0, 1000));
    expect(await floats(join(journal.dir, 'live-1000.f32'))).toEqual([]);
    expect(journal.holdsUnsegmentedAudio).toBe(false);
    journal.close({ keep: true });
    expect((await readdir(journal.dir)).sort()).toEqual([
      'live-1000.f32',
      'session.json',
      'utterance-000000000000.f32',
      'utterance-000000000000.json',
    ]);
  });

  it('a write that fails is reported once and dictation goes on without the journal', async () => {
    const said: string[] = [];
    const journal = DictationJournal.open(historyDir, 'push', (m) => said.push(m));
    await rm(journal.dir, { recursive: true });
    journal.recordUtterance(utterance(0, 100));
    journal.recordUtterance(utterance(100, 200));
    journal.appendAudio(ramp(0, 10));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /the dictation journal in .* stopped working \(ENOENT.*\): speech is not protected/,
    );
    expect(journal.problem).toMatch(/ENOENT/);
    journal.close({ keep: false });
  });
});
