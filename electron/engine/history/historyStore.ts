import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { historyEntrySchema, type HistoryEntry } from '../../../shared/historyEntry';
import { isUnsafeFile, openRegularFile, readTextFileSafely } from '../runtime/safeFile';
import { userDataPaths } from '../runtime/userDataDir';
import { reverseLines } from './reverseLines';

/** What a caller appends: the store fills in a fresh id and the current time when absent. */
export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'atMs'> & Partial<Pick<HistoryEntry, 'id' | 'atMs'>>;

export interface HistoryPage {
  /** Newest first (most recently appended first). */
  entries: HistoryEntry[];
  /** Lines that were read but not usable (torn by a crash, hand-edited, wrong shape); never fatal. */
  skippedLines: number;
}

export interface ListOptions {
  /** At most this many entries (default 100). */
  limit?: number;
  /** Only entries with atMs strictly before this (epoch ms): the cursor for the next page. */
  before?: number;
}

export interface HistoryStoreOptions {
  /** The history folder, normally userDataPaths(dataDir).history. */
  dir: string;
  /** Rotate the live file once it reaches this size (rotating-file-stream syntax, default "1M"). */
  fileSize?: string;
  /** Rotated files kept besides the live one (default 10); older ones are dropped. */
  keepFiles?: number;
  now?: () => number;
  /** Told when a history file is not a regular file (a FIFO, a link) and was set aside or skipped. */
  onProblem?: (message: string) => void;
}

export const HISTORY_FILE = 'transcripts.jsonl';
/** A history file rewritten to delete one entry is read whole: files rotate at 1 MiB, so this is far above. */
const MAX_REWRITE_BYTES = 64 * 1024 * 1024;
const ROTATED = /^transcripts\.jsonl(?:\.(\d+))?$/;

/**
 * Transcript history as append-only JSON lines with size-based rotation, classical logrotate
 * style: transcripts.jsonl is live, transcripts.jsonl.1 the newest rotated file, up to .N.
 *
 * Writing goes through rotating-file-stream (already the engine log's writer): it appends with
 * O_APPEND, never splits one write across two files, and calls a write back only after any
 * rotation it triggered has finished. Listing is ours (the library only writes): the files are read
 * newest first. Every operation runs on one queue, so a list never sees a rotation half done, and
 * concurrent appends land as whole lines in call order. The store assumes it is the only writer
 * of its folder (the engine owns history; the UI asks the engine), because two rotating writers
 * would each rotate on their own idea of the file's size.
 */
export class HistoryStore {
  private readonly dir: string;
  private readonly fileSize: string;
  private readonly keepFiles: number;
  private readonly now: () => number;
  private readonly onProblem: (message: string) => void;
  private stream: RotatingFileStream | null = null;
  private streamError: Error | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: HistoryStoreOptions) {
    this.dir = opts.dir;
    this.fileSize = opts.fileSize ?? '1M';
    this.keepFiles = opts.keepFiles ?? 10;
    this.now = opts.now ?? Date.now;
    this.onProblem = opts.onProblem ?? (() => undefined);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    // The queue survives a failed operation; the caller still sees the failure.
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A crash mid-write leaves a last line without its newline; the next entry would be glued onto
   * it and lost with it. Ending that torn line first turns it into one skippable line.
   */
  private async endTornLine(file: string): Promise<void> {
    let handle;
    try {
      handle = await open(file, 'r+');
    } catch {
      return; // no live file yet
    }
    try {
      const { size } = await handle.stat();
      if (size === 0) return;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      // Positional write: r+ handles start at offset 0, and appendFile would overwrite the first byte.
      if (last[0] !== 0x0a) await handle.write('\n', size);
    } finally {
      await handle.close();
    }
  }

  private async openStream(): Promise<RotatingFileStream> {
    if (this.stream) return this.stream;
    await mkdir(this.dir, { recursive: true });
    await this.setAsideIfNotAFile(path.join(this.dir, HISTORY_FILE));
    await this.endTornLine(path.join(this.dir, HISTORY_FILE));
    const stream = createStream(HISTORY_FILE, {
      path: this.dir,
      size: this.fileSize,
      rotate: this.keepFiles,
    });
    this.streamError = null;
    // After an 'error' rotating-file-stream is closed for good: forget it and reopen on next append.
    stream.on('error', (err) => {
      this.streamError = err;
      if (this.stream === stream) this.stream = null;
    });
    this.stream = stream;
    return stream;
  }

  /**
   * Opening a FIFO for appending waits for a reader forever, and a link would send transcripts to its
   * target: a live file that is not a regular file is renamed aside (the link itself, not its target) and a
   * fresh one is started.
   */
  private async setAsideIfNotAFile(file: string): Promise<void> {
    const stats = await lstat(file).catch(() => null);
    if (!stats || stats.isFile()) return;
    const aside = `${file}.unusable-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, aside);
    this.onProblem(
      `${file} is not a regular file (${describeKind(stats)}): set aside as ${aside}; a new history file was started`,
    );
  }

  /** Appends one transcript; resolves once the line is in the file (and any rotation is done). */
  async append(entry: NewHistoryEntry): Promise<HistoryEntry> {
    const full = historyEntrySchema.parse({
      ...entry,
      id: entry.id ?? randomUUID(),
      atMs: entry.atMs ?? this.now(),
    });
    // One write per line: rotating-file-stream never splits a write, so lines stay whole.
    const line = `${JSON.stringify(full)}\n`;
    return this.enqueue(async () => {
      const stream = await this.openStream();
      await new Promise<void>((resolve, reject) => {
        stream.write(line, (err) => {
          if (err) reject(err);
          else if (this.streamError) reject(this.streamError);
          else resolve();
        });
      });
      return full;
    });
  }

  /** The live file and the rotated ones, newest first. */
  private async files(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .map((name) => ({ name, match: ROTATED.exec(name) }))
      .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
      .map((f) => ({ name: f.name, index: f.match[1] === undefined ? 0 : Number(f.match[1]) }))
      .sort((a, b) => a.index - b.index)
      .map((f) => path.join(this.dir, f.name));
  }

  /**
   * Newest first, across rotated files; unreadable lines are skipped and counted. Files are read from their
   * end in bounded chunks, so a page costs what it returns, not the size of the history.
   */
  async list(opts: ListOptions = {}): Promise<HistoryPage> {
    const limit = opts.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError(`limit must be a whole number ≥ 0, got ${limit}`);
    return this.enqueue(async () => {
      const page: HistoryPage = { entries: [], skippedLines: 0 };
      for (const file of await this.files()) {
        if (page.entries.length >= limit) break;
        await this.listFile(file, limit, opts.before, page);
      }
      return page;
    });
  }

  private async listFile(file: string, limit: number, before: number | undefined, page: HistoryPage) {
    let opened;
    try {
      // The size limit is no limit here: the file is read from its end, a chunk at a time.
      opened = await openRegularFile(file, { maxBytes: Number.MAX_SAFE_INTEGER });
    } catch (err) {
      // Dropped by a rotation between readdir and here: nothing left to read in it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (!isUnsafeFile(err)) throw err;
      this.onProblem(`${err.message}: its transcripts are not listed`);
      return;
    }
    try {
      for await (const line of reverseLines(opened.handle, opened.stats.size)) {
        if (page.entries.length >= limit) break;
        if (line !== null && line.trim() === '') continue;
        const entry = line === null ? null : parseLine(line);
        if (!entry) page.skippedLines++;
        else if (before === undefined || entry.atMs < before) page.entries.push(entry);
      }
    } finally {
      await opened.handle.close();
    }
  }

  /**
   * Deletes the transcript with this id; true when there was one. Only a file that holds it is rewritten (to a
   * temporary file renamed over it, so a crash leaves the old file or the new one, never half of one); lines
   * this store cannot read are kept as they were.
   */
  delete(id: string): Promise<boolean> {
    return this.enqueue(async () => {
      let found = false;
      for (const file of await this.files()) {
        let text: string;
        try {
          text = await readTextFileSafely(file, { maxBytes: MAX_REWRITE_BYTES });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw err;
        }
        const lines = text.split('\n');
        const kept = lines.filter((line) => parseLine(line)?.id !== id);
        if (kept.length === lines.length) continue;
        found = true;
        // The stream appends to the live file: closed first, reopened by the next append.
        await this.closeStream();
        const temporary = `${file}.deleting`;
        await writeFile(temporary, kept.join('\n'), { mode: 0o600 });
        await rename(temporary, file);
      }
      return found;
    });
  }

  /** Deletes every transcript, live and rotated. */
  clear(): Promise<void> {
    return this.enqueue(async () => {
      await this.closeStream();
      for (const file of await this.files()) {
        await unlink(file).catch((err: unknown) => {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        });
      }
    });
  }

  /** Flushes and closes the file; a later append reopens it. */
  close(): Promise<void> {
    return this.enqueue(() => this.closeStream());
  }

  private closeStream(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (!stream || stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }
}

function describeKind(stats: {
  isFIFO(): boolean;
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
}): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  return 'a device or socket';
}

function parseLine(line: string): HistoryEntry | null {
  try {
    const parsed = historyEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The store in the user data folder: <dataDir>/history/transcripts.jsonl. */
export function openHistoryStore(dataDir: string, opts: Omit<HistoryStoreOptions, 'dir'> = {}): HistoryStore {
  return new HistoryStore({ ...opts, dir: userDataPaths(dataDir).history });
}
