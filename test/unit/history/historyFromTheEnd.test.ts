/**
 * History is read from its end: the first page of a 1 GB history costs one page, not the file. Measured
 * against the real file system; the old reader failed with "Invalid string length" on files this size.
 */
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE, HistoryStore } from '../../../electron/engine/history/historyStore';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-history-big-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const GIB = 1024 * 1024 * 1024;

function line(n: number): string {
  return `${JSON.stringify({
    id: `id-${n}`,
    atMs: 1_700_000_000_000 + n,
    text: `transcript number ${n} `.padEnd(180, '.'),
    device: 'cpu',
    ep: 'cpu',
    latencyMs: 100,
    durationMs: 2000,
    source: 'microphone',
  })}\n`;
}

/** About 1 GiB of valid history lines, written in 4 MiB blocks. */
async function writeBigHistory(file: string): Promise<number> {
  const handle = await open(file, 'w');
  let n = 0;
  let written = 0;
  try {
    while (written < GIB) {
      let block = '';
      while (block.length < 4 * 1024 * 1024) block += line(n++);
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
  return n;
}

const rssMiB = () => process.memoryUsage().rss / (1024 * 1024);

describe('history of 1 GB', () => {
  it('the first page comes in under 200 ms and under 50 MiB of extra memory', async () => {
    const count = await writeBigHistory(path.join(dir, HISTORY_FILE));
    const store = new HistoryStore({ dir });
    global.gc?.();
    const before = rssMiB();
    const started = performance.now();
    const page = await store.list({ limit: 50 });
    const ms = performance.now() - started;
    const extra = rssMiB() - before;
    expect(page.entries.map((e) => e.id).slice(0, 3)).toEqual([
      `id-${count - 1}`,
      `id-${count - 2}`,
      `id-${count - 3}`,
    ]);
    expect(page.entries).toHaveLength(50);
    console.log(`1 GiB history: first page of 50 in ${ms.toFixed(1)} ms, +${extra.toFixed(1)} MiB RSS`);
    expect(ms).toBeLessThan(200);
    expect(extra).toBeLessThan(50);
    // A page further back, by cursor, is as cheap.
    const next = await store.list({ limit: 50, before: page.entries[49]?.atMs ?? 0 });
    expect(next.entries[0]?.id).toBe(`id-${count - 51}`);
    expect((await stat(path.join(dir, HISTORY_FILE))).size).toBeGreaterThanOrEqual(GIB);

    // The oversized live file is rotated by size at the next append: the live file starts small again.
    await store.append({ text: 'new', device: 'cpu', ep: 'cpu', latencyMs: 1, durationMs: 1, source: 'mic' });
    await store.close();
    expect((await readdir(dir)).sort()).toEqual([HISTORY_FILE, `${HISTORY_FILE}.1`]);
    expect((await stat(path.join(dir, HISTORY_FILE))).size).toBeLessThan(1024);
    expect((await store.list({ limit: 2 })).entries.map((e) => e.text)).toEqual([
      'new',
      expect.stringMatching(/^transcript number/) as unknown,
    ]);
  }, 120_000);
});
