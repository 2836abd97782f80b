import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  readFileSafely,
  readTextFileSafely,
  UnsafeFileError,
} from '../../../electron/engine/runtime/safeFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-safefile-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A real FIFO with no writer: a plain readFile on it never returns. */
function makeFifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Fails the test instead of hanging it when `work` blocks. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still blocked after ${ms} ms`)), ms)),
  ]);
}

describe('readFileSafely', () => {
  it('reads a regular file whole, larger than one chunk', async () => {
    const file = path.join(dir, 'big.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await writeFile(file, bytes);
    expect((await readFileSafely(file, { maxBytes: 4 << 20 })).equals(bytes)).toBe(true);
    await writeFile(path.join(dir, 'a.json'), '{"a":1}');
    expect(await readTextFileSafely(path.join(dir, 'a.json'), { maxBytes: 100 })).toBe('{"a":1}');
  });

  it('a FIFO is refused at once, not waited on', async () => {
    const fifo = path.join(dir, 'settings.json');
    makeFifo(fifo);
    const error = await within(
      2000,
      readFileSafely(fifo, { maxBytes: 1000 }).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect(String(error)).toContain('is a FIFO');
  });

  it('/dev/zero is refused as a device, whatever the limit', async () => {
    const error = await within(
      2000,
      readFileSafely('/dev/zero', { maxBytes: 1 << 30, followSymlinks: true }).catch((e: unknown) => e),
    );
    expect(String(error)).toContain('is a device');
  });

  it('a symlink is refused without reading its target, unless following is asked for', async () => {
    const secret = path.join(dir, 'secret.txt');
    await writeFile(secret, 'the secret');
    const link = path.join(dir, 'settings.json');
    await symlink(secret, link);
    const error = await readFileSafely(link, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect((error as UnsafeFileError).message).toBe(`${link} is a symbolic link`);
    expect((error as UnsafeFileError).message).not.toContain('the secret');
    expect(await readTextFileSafely(link, { maxBytes: 1000, followSymlinks: true })).toBe('the secret');
  });

  it('a file over the limit is refused before it is read; a folder is refused', async () => {
    const file = path.join(dir, 'huge');
    await writeFile(file, Buffer.alloc(2048));
    await expect(readFileSafely(file, { maxBytes: 1024 })).rejects.toThrow(
      /is too large \(2048 bytes, at most 1024 allowed\)/,
    );
    await mkdir(path.join(dir, 'sub'));
    await expect(readFileSafely(path.join(dir, 'sub'), { maxBytes: 1024 })).rejects.toThrow(/is a folder/);
  });

  it('a missing file keeps its ENOENT so callers can treat it as absent', async () => {
    await expect(readFileSafely(path.join(dir, 'nope'), { maxBytes: 10 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
