/**
 * History is read from its end: the first page of a big history is the file's last lines, paged backwards, and the
 * oversized live file rotates. On the real file system. What it costs on a 1 GiB file (time, memory) is measured
 * by `npm run bench -- history` (bench/results/history.md): the old reader failed on files that size.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE, HistoryStore } from '../../../electron/engine/history/historyStore';
import { writeBigHistory } from '../../fixtures/bigHistory';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-history-big-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const BIG = 64 * 1024 * 1024;

describe('a big history (64 MiB)', () => {
  it('gives the newest page first, pages back by cursor, and rotates the oversized live file', async () => {
    const count = await writeBigHistory(path.join(dir, HISTORY_FILE), BIG);
    const store = new HistoryStore({ dir });
    const page = await store.list({ limit: 50 });
    expect(page.entries.map((e) => e.id).slice(0, 3)).toEqual([
      `id-${count - 1}`,
      `id-${count - 2}`,
      `id-${count - 3}`,
    ]);
    expect(page.entries).toHaveLength(50);
    // A page further back, by cursor, is as cheap.
    const next = await store.list({ limit: 50, before: page.entries[49]?.atMs ?? 0 });
    expect(next.entries[0]?.id).toBe(`id-${count - 51}`);
    expect((await stat(path.join(dir, HISTORY_FILE))).size).toBeGreaterThanOrEqual(BIG);

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
