import {
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { SAMPLE_RATE, type Utterance } from '../audio/audioTypes';

/** What is kept of one queued utterance beside its audio (utterance-<key>.json). */
export interface JournaledUtterance {
  key: string;
  startMs: number;
  endMs: number;
  /** Recognition attempts made after a restart: a second one is never made (a poisoned input must not crash every start). */
  attempts: number;
}

/** One dictation session's folder: <history>/journal/<pid>-<started>. */
export interface JournalSession {
  dir: string;
  pid: number;
  /** The source label ("push", "mic", a file name). */
  source: string;
}

export const SESSION_FILE = 'session.json';
const LIVE = /^live-(\d+)\.f32$/;

export function journalRoot(historyDir: string): string {
  return path.join(historyDir, 'journal');
}

/** The key an utterance is journaled under: its start in the stream, unique within a session. */
export function utteranceKey(u: Pick<Utterance, 'startMs'>): string {
  return String(Math.round(u.startMs * (SAMPLE_RATE / 1000))).padStart(12, '0');
}

export const utteranceFiles = (dir: string, key: string) => ({
  audio: path.join(dir, `utterance-${key}.f32`),
  meta: path.join(dir, `utterance-${key}.json`),
});

export function liveFileName(baseSample: number): string {
  return `live-${baseSample}.f32`;
}

export function parseLiveName(name: string): number | null {
  const m = LIVE.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * A write-ahead journal of one dictation session, so an engine that dies mid-dictation loses no speech.
 * Audio is written as soon as the engine owns it: every frame goes to the live file (raw Float32) before
 * it reaches the segmenter, and every finished utterance is written whole before it waits for the
 * recognizer. An utterance's files are removed once its transcript is in the history; the live file is
 * cut at each utterance's end, so it only ever holds the speech not yet segmented. The next engine to
 * start transcribes whatever a dead session left (journalRecovery).
 *
 * Writes are synchronous on purpose: appends and cuts must happen in the order the audio arrived, and a
 * write that returned is in the page cache, which survives the process being killed.
 */
export class DictationJournal {
  private liveFd: number;
  private liveBase = 0;
  private written = 0;
  private closed = false;
  /** The first write error; after it the journal stops (dictation goes on, unprotected). */
  private broken: string | null = null;

  private constructor(
    readonly dir: string,
    readonly source: string,
    private readonly onError: (message: string) => void,
  ) {
    this.liveFd = openSync(path.join(dir, liveFileName(0)), 'a+');
  }

  /**
   * A fresh session folder for this process (throws when it cannot be made: a read-only or full disk).
   * `onError` hears of the first later write failure. `pid` is for tests that play a process that died.
   */
  static open(
    historyDir: string,
    source: string,
    onError: (message: string) => void,
    pid = process.pid,
  ): DictationJournal {
    const dir = path.join(journalRoot(historyDir), `${pid}-${Date.now()}-${sessionCounter++}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, SESSION_FILE), `${JSON.stringify({ pid, source })}\n`);
    return new DictationJournal(dir, source, onError);
  }

  /** The first write error, or null while the journal protects the session. */
  get problem(): string | null {
    return this.broken;
  }

  /** Audio received after the last utterance's end: speech the segmenter may not have finished. */
  get holdsUnsegmentedAudio(): boolean {
    return this.written > this.liveBase;
  }

  /** Where the queue may spill audio: inside the session, so it goes when the session does. */
  get spillDir(): string {
    return path.join(this.dir, 'spill');
  }

  /** Audio the engine just received, before anything else reads it. */
  appendAudio(samples: Float32Array): void {
    if (this.closed || samples.length === 0) return;
    this.guard(() => {
      writeSync(this.liveFd, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
      this.written += samples.length;
    });
  }

  /** A finished utterance: its audio and place are written, and the live file is cut at its end. */
  recordUtterance(u: Utterance): void {
    if (this.closed) return;
    const key = utteranceKey(u);
    const files = utteranceFiles(this.dir, key);
    this.guard(() => {
      writeFileSync(files.audio, new Uint8Array(u.audio.buffer, u.audio.byteOffset, u.audio.byteLength));
      const meta: JournaledUtterance = { key, startMs: u.startMs, endMs: u.endMs, attempts: 0 };
      // The metadata is written last: an utterance without it was never complete, and its audio is still
      // in the live file, which is only cut below.
      writeFileSync(files.meta, `${JSON.stringify(meta)}\n`);
      this.cutLive(Math.round(u.endMs * (SAMPLE_RATE / 1000)));
    });
  }

  /** The transcript is kept (or the audio was saved elsewhere): the utterance leaves the journal. */
  settle(key: string): void {
    const files = utteranceFiles(this.dir, key);
    this.guard(() => {
      rmSync(files.meta, { force: true });
      rmSync(files.audio, { force: true });
    });
  }

  /**
   * The session ended. With `keep` (a transcript could not be kept, or the source failed mid-speech) the
   * folder stays for the next start; otherwise it goes.
   */
  close(opts: { keep: boolean }): void {
    if (this.closed) return;
    this.closed = true;
    this.guard(() => {
      closeSync(this.liveFd);
      if (!opts.keep) rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** A journal that cannot write must not stop dictation: say so once, then stand aside. */
  private guard(write: () => void): void {
    if (this.broken !== null) return;
    try {
      write();
    } catch (error) {
      this.broken = error instanceof Error ? error.message : String(error);
      this.onError(
        `the dictation journal in ${this.dir} stopped working (${this.broken}): speech is not protected against an engine crash until the next dictation`,
      );
    }
  }

  /** Keep only the audio from `sample` on: the tail is copied to a new live file, the old one removed. */
  private cutLive(sample: number): void {
    if (sample <= this.liveBase) return;
    const from = Math.min(sample, this.written);
    const tail = new Uint8Array((this.written - from) * 4);
    if (tail.length > 0) readSync(this.liveFd, tail, 0, tail.length, (from - this.liveBase) * 4);
    const oldName = path.join(this.dir, liveFileName(this.liveBase));
    const tmp = path.join(this.dir, `${liveFileName(from)}.tmp`);
    writeFileSync(tmp, tail);
    renameSync(tmp, path.join(this.dir, liveFileName(from)));
    closeSync(this.liveFd);
    rmSync(oldName, { force: true });
    this.liveBase = from;
    this.liveFd = openSync(path.join(this.dir, liveFileName(from)), 'a+');
  }
}

let sessionCounter = 0;
