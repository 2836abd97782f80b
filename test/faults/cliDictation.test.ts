/**
 * Fault: `swictation dictate` (the CLI) is killed (SIGKILL) while dictating. It journals the audio it reads
 * as the app's engine does, so the sentence it had read but not yet transcribed is transcribed by the next
 * `dictate` on the same data folder — flagged recovered in the history, printed, never typed — and nothing
 * already kept is transcribed twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalRoot } from '../../electron/engine/dictation/dictationJournal';
import { writeWav } from '../../electron/engine/audio/wavFile';
import { clip, clipAudio, concat, ROOT, Scratch, silence, speechMissing } from './support';

const SILENCE_MS = 4000;
const scratch = new Scratch();
afterEach(() => scratch.release());

interface Dictate {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The real CLI, as a user runs it, on a data folder of the test's own. */
function dictate(home: string, wav: string): Dictate {
  const env: NodeJS.ProcessEnv = { ...process.env, SWICTATION_HOME: home };
  delete env['NODE_OPTIONS'];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'electron/engine/cli/main.ts'), 'dictate', '--input', wav],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stdout: string[] = [];
  let err = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  scratch.later(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, stdout, stderr: () => err, exited };
}

async function historyOf(home: string): Promise<{ text: string; source: string }[]> {
  const lines = (await readFile(join(home, 'history', 'transcripts.jsonl'), 'utf8')).trim().split('\n');
  return lines.map((l) => JSON.parse(l) as { text: string; source: string });
}

describe.skipIf(speechMissing !== null)('the CLI killed mid-dictation', () => {
  it('the sentence it had read is transcribed by the next dictate, flagged recovered, nothing twice', async () => {
    // A long end-of-speech silence: the second sentence has been read but not transcribed for ~4 s.
    const home = await scratch.home({ speech: { silenceMs: SILENCE_MS } });
    const first = clip('check memory status');
    const second = clip('hello world');
    const wav = join(home, 'two-sentences.wav');
    const secondAudio = await clipAudio(second);
    await writeWav(
      wav,
      concat(await clipAudio(first), silence(SILENCE_MS + 500), secondAudio, silence(10_000)),
    );

    const killed = dictate(home, wav);
    await expect.poll(() => killed.stdout, { timeout: 30_000 }).toContain(first.text);
    // The first transcript comes ~SILENCE_MS after the first sentence ends; the second sentence has been
    // read 0.5 s + its length later, and would be transcribed SILENCE_MS after that: kill in between,
    // 1.5 s after the read (a slow machine may lag the wall clock) and ~2.5 s before the transcript.
    await new Promise((r) => setTimeout(r, 500 + secondAudio.length / 16 + 1500));
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(killed.stdout).not.toContain(second.text);
    const left = await readdir(journalRoot(join(home, 'history')));
    expect(left).toEqual([expect.stringMatching(new RegExp(`^${killed.child.pid}-`))]);

    const next = dictate(home, join(ROOT, 'test/fixtures/audio', clip('open new file').file));
    expect(await next.exited, next.stderr()).toBe(0);
    expect(next.stderr()).toContain(`"${second.text}"`);
    expect(next.stderr()).toContain('recovered after an engine restart');
    expect(next.stdout).toEqual(['open new file']);
    expect(await historyOf(home)).toEqual([
      expect.objectContaining({ text: first.text, source: 'two-sentences.wav' }),
      expect.objectContaining({ text: second.text, source: 'two-sentences.wav (recovered)' }),
      expect.objectContaining({ text: 'open new file', source: clip('open new file').file }),
    ]);
    expect(await readdir(journalRoot(join(home, 'history')))).toEqual([]);
  }, 90_000);
});
