import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/**
 * Opening a file the engine did not write itself this run (settings, history, journal, audio, a catalog):
 * it may be a FIFO (reading blocks a libuv thread forever), a device (/dev/zero never ends), a symlink
 * planted to leak or clobber another file, or simply huge. Every such read goes through here: open
 * without blocking, look at what was opened (fstat, so no race with a swap after a check), then read a
 * bounded number of bytes in bounded chunks.
 */

/** Why a file was refused; `reason` is one short phrase for messages ("is a FIFO", "is a symbolic link"). */
export class UnsafeFileError extends Error {
  override name = 'UnsafeFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
    /** The errno code behind it, when there is one (ELOOP for a symlink). */
    readonly code: string | null = null,
  ) {
    super(`${file} ${reason}`);
  }
}

export interface SafeOpenOptions {
  /** Refuse more bytes than this (the file's size at open, and what a growing file yields while read). */
  maxBytes: number;
  /**
   * Follow a symlink in the last path component. Off by default: the data folder's layout never needs one,
   * so a link there was planted. A path the user typed (a WAV file on the command line) may be a link.
   */
  followSymlinks?: boolean;
}

/** Read in pieces of this size: a file is never asked for all at once (a lying size cannot balloon memory). */
const CHUNK_BYTES = 1 << 20;

/** An open regular file of bounded size; the caller closes `handle`. */
export interface SafeHandle {
  handle: FileHandle;
  stats: Stats;
}

/**
 * Open `file` for reading: O_NONBLOCK so a FIFO cannot hang the open, O_NOFOLLOW unless asked, then fstat:
 * anything but a regular file of at most `maxBytes` is closed and refused with an UnsafeFileError. Errors
 * of the open itself (ENOENT, EACCES) pass through unchanged so callers can tell "absent" apart.
 */
export async function openRegularFile(file: string, opts: SafeOpenOptions): Promise<SafeHandle> {
  const flags =
    constants.O_RDONLY | constants.O_NONBLOCK | (opts.followSymlinks === true ? 0 : constants.O_NOFOLLOW);
  let handle: FileHandle;
  try {
    handle = await open(file, flags);
  } catch (error) {
    // Linux answers O_NOFOLLOW on a link with ELOOP (the BSDs with EMLINK).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnsafeFileError(file, 'is a symbolic link', code);
    throw error;
  }
  try {
    const stats = await handle.stat();
    const why = refusal(stats, opts.maxBytes);
    if (why !== null) throw new UnsafeFileError(file, why);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function refusal(stats: Stats, maxBytes: number): string | null {
  if (stats.isFIFO()) return 'is a FIFO, not a file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a file';
  if (stats.isSocket()) return 'is a socket, not a file';
  if (stats.isDirectory()) return 'is a folder, not a file';
  if (!stats.isFile()) return 'is not a regular file';
  if (stats.size > maxBytes) return `is too large (${stats.size} bytes, at most ${maxBytes} allowed)`;
  return null;
}

/** The whole file's bytes, under the same checks; reading stops (and fails) past `maxBytes`. */
export async function readFileSafely(file: string, opts: SafeOpenOptions): Promise<Buffer> {
  const { handle, stats } = await openRegularFile(file, opts);
  try {
    return await readBounded(handle, file, stats.size, opts.maxBytes);
  } finally {
    await handle.close();
  }
}

/** As readFileSafely, decoded as UTF-8. */
export async function readTextFileSafely(file: string, opts: SafeOpenOptions): Promise<string> {
  return (await readFileSafely(file, opts)).toString('utf8');
}

/**
 * Read until end of file in chunks. The size at open is only a hint (the file may grow or shrink while
 * read); the limit is enforced on what is actually read.
 */
async function readBounded(
  handle: FileHandle,
  file: string,
  hint: number,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(CHUNK_BYTES, Math.max(hint - total, 0) || CHUNK_BYTES, maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, total);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) throw new UnsafeFileError(file, `grew past ${maxBytes} bytes while being read`);
    chunks.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total);
}

/** Is this error a refusal (vs. an I/O error of the open or read)? */
export function isUnsafeFile(error: unknown): error is UnsafeFileError {
  return error instanceof UnsafeFileError;
}
