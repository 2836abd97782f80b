import type { FileHandle } from 'node:fs/promises';

/**
 * A file's lines from the last to the first, read backwards in fixed chunks: the newest history entries
 * are at the end, and a page of them must not cost reading (or holding) the whole file. Memory stays at
 * one chunk plus the longest line allowed; a longer line is yielded as `null` (counted, never kept).
 */
export interface ReverseLineOptions {
  /** Bytes read per step (default 64 KiB). */
  chunkBytes?: number;
  /** Longer lines are skipped as `null` instead of being assembled (default 1 MiB). */
  maxLineBytes?: number;
}

const NEWLINE = 0x0a;

export async function* reverseLines(
  handle: FileHandle,
  size: number,
  opts: ReverseLineOptions = {},
): AsyncGenerator<string | null> {
  const chunkBytes = opts.chunkBytes ?? 64 * 1024;
  const pending = new PartialLine(opts.maxLineBytes ?? 1024 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - chunkBytes);
    const chunk = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, start);
    const data = chunk.subarray(0, bytesRead);
    end = start;
    let tail = data.length;
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i] !== NEWLINE) continue;
      yield pending.finish(data.subarray(i + 1, tail));
      tail = i;
    }
    pending.prepend(data.subarray(0, tail));
  }
  if (!pending.empty) yield pending.finish(Buffer.alloc(0));
}

/** The end of a line whose start is further back in the file, gathered up to the limit. */
class PartialLine {
  private pieces: Buffer[] = [];
  private bytes = 0;
  private overlong = false;

  constructor(private readonly maxBytes: number) {}

  get empty(): boolean {
    return this.bytes === 0 && !this.overlong;
  }

  /** No newline before this piece: it belongs to a line that started further back. */
  prepend(piece: Buffer): void {
    if (piece.length === 0 || this.overlong) return;
    if (piece.length + this.bytes > this.maxBytes) {
      this.overlong = true; // drop what was gathered: memory stays bounded whatever the line's length
      this.pieces = [];
      this.bytes = 0;
      return;
    }
    // Copied: a few bytes must not pin a whole chunk.
    this.pieces.unshift(Buffer.from(piece));
    this.bytes += piece.length;
  }

  /** A newline was found: the line is this piece plus what was gathered (null when too long). */
  finish(piece: Buffer): string | null {
    const tooLong = this.overlong || piece.length + this.bytes > this.maxBytes;
    const line = tooLong ? null : Buffer.concat([piece, ...this.pieces]).toString('utf8');
    this.pieces = [];
    this.bytes = 0;
    this.overlong = false;
    return line;
  }
}
