import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Utterance } from '../audio/audioTypes';

/** A queued utterance: its audio in memory, or spilled to a file when the queue is over capacity. */
interface Entry {
  id: number;
  utterance: Omit<Utterance, 'audio'>;
  audio: Float32Array | null;
  spilledTo: string | null;
}

export interface UtteranceQueueOptions {
  /** Utterances kept in memory; more are spilled to disk (default 8, a few minutes of speech). */
  memoryCapacity?: number;
  /** Where spilled audio goes (the user data folder's history/pending). */
  spillDir: string;
  onSpill?: (id: number, file: string) => void;
}

/**
 * The STT queue between the segmenter and the recognizer. Utterances wait here while a model
 * moves. It is bounded in memory but never drops: past capacity, audio is written to disk (raw
 * Float32) and read back in order when its turn comes, so a long stall costs disk, not speech.
 */
export class UtteranceQueue {
  private readonly entries: Entry[] = [];
  private nextId = 1;
  private waiter: (() => void) | null = null;
  private closed = false;

  constructor(private readonly opts: UtteranceQueueOptions) {}

  get length(): number {
    return this.entries.length;
  }

  get spilled(): number {
    return this.entries.filter((e) => e.spilledTo !== null).length;
  }

  async add(utterance: Utterance): Promise<number> {
    const id = this.nextId++;
    const { audio, ...meta } = utterance;
    const entry: Entry = { id, utterance: meta, audio, spilledTo: null };
    if (this.inMemory() >= (this.opts.memoryCapacity ?? 8)) await this.spill(entry);
    this.entries.push(entry);
    this.wake();
    return id;
  }

  /** End of input: `next` returns null once the queue is empty. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The oldest utterance, waiting for one if the queue is empty; null when closed and drained. */
  async next(): Promise<(Utterance & { id: number }) | null> {
    for (;;) {
      const entry = this.entries.shift();
      if (entry) return { ...entry.utterance, id: entry.id, audio: await this.audioOf(entry) };
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private inMemory(): number {
    return this.entries.filter((e) => e.audio !== null).length;
  }

  private async spill(entry: Entry): Promise<void> {
    await mkdir(this.opts.spillDir, { recursive: true });
    const file = path.join(this.opts.spillDir, `utterance-${Date.now()}-${entry.id}.f32`);
    const audio = entry.audio as Float32Array;
    await writeFile(file, Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
    entry.audio = null;
    entry.spilledTo = file;
    this.opts.onSpill?.(entry.id, file);
  }

  private async audioOf(entry: Entry): Promise<Float32Array> {
    if (entry.audio) return entry.audio;
    const file = entry.spilledTo as string;
    const bytes = await readFile(file);
    const audio = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    await rm(file, { force: true });
    return audio;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
