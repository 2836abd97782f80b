import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reverseLines } from '../../../electron/engine/history/reverseLines';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-revlines-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function linesOf(text: string, opts: { chunkBytes?: number; maxLineBytes?: number }) {
  const file = path.join(dir, 'f.txt');
  await writeFile(file, text);
  const handle = await open(file, 'r');
  try {
    const out: (string | null)[] = [];
    for await (const line of reverseLines(handle, Buffer.byteLength(text), opts)) out.push(line);
    return out;
  } finally {
    await handle.close();
  }
}

describe('reverseLines', () => {
  it.each([1, 2, 3, 7, 64 * 1024])(
    'gives every line last to first, with %s-byte chunks',
    async (chunkBytes) => {
      const text = 'first\nsecond line\n\nthird ✓ ünïcode\nlast without newline';
      const expected = text.split('\n').reverse();
      expect(await linesOf(text, { chunkBytes })).toEqual(expected);
      expect(await linesOf(`${text}\n`, { chunkBytes })).toEqual(['', ...expected]);
    },
  );

  it('a line longer than the limit comes out as null, and the lines around it are whole', async () => {
    const text = `before\n${'x'.repeat(100)}\nafter`;
    expect(await linesOf(text, { chunkBytes: 8, maxLineBytes: 50 })).toEqual(['after', null, 'before']);
    expect(await linesOf('y'.repeat(100), { chunkBytes: 8, maxLineBytes: 50 })).toEqual([null]);
  });
});
