import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HISTORY_FILE,
  HistoryStore,
  openHistoryStore,
  type NewHistoryEntry,
} from '../../../electron/engine/history/historyStore';

let dir: string;
const stores: HistoryStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-history-'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

function store(opts: { fileSize?: string; keepFiles?: number } = {}): HistoryStore {
  const s = new HistoryStore({ dir, ...opts });
  stores.push(s);
  return s;
}

function entry(n: number, extra: Partial<NewHistoryEntry> = {}): NewHistoryEntry {
  return {
    atMs: 1_700_000_000_000 + n * 1000,
    text: `transcript number ${n}`,
    device: n % 2 ? 'gpu' : 'cpu',
    ep: n % 2 ? 'webgpu' : 'cpu',
    latencyMs: 100 + n,
    durationMs: 2000 + n,
    source: 'microphone',
    ...extra,
  };
}

async function historyFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('transcripts.jsonl')).sort();
}

describe('HistoryStore', () => {
  it('appends JSON lines and lists them newest first, with limit and before', async () => {
    const s = store();
    const appended = [];
    for (let n = 0; n < 5; n++) appended.push(await s.append(entry(n)));
    expect(appended[0]?.id).toMatch(/^[0-9a-f-]{36}$/);

    const page = await s.list();
    expect(page.skippedLines).toBe(0);
    expect(page.entries.map((e) => e.text)).toEqual([4, 3, 2, 1, 0].map((n) => `transcript number ${n}`));
    expect(page.entries[0]).toEqual(appended[4]);

    const lines = (await readFile(path.join(dir, HISTORY_FILE), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0] ?? '')).toEqual(appended[0]);

    expect((await s.list({ limit: 2 })).entries.map((e) => e.text)).toEqual([
      'transcript number 4',
      'transcript number 3',
    ]);
    const older = await s.list({ limit: 2, before: appended[3]?.atMs });
    expect(older.entries.map((e) => e.text)).toEqual(['transcript number 2', 'transcript number 1']);
  });

  it('fills in id and time when the caller leaves them out', async () => {
    const s = new HistoryStore({ dir, now: () => 42 });
    stores.push(s);
    const withoutTime = entry(1);
    delete withoutTime.atMs;
    const saved = await s.append(withoutTime);
    expect(saved.atMs).toBe(42);
    expect(saved.id.length).toBeGreaterThan(0);
  });

  it('rejects a malformed entry without writing anything', async () => {
    const s = store();
    await expect(s.append({ ...entry(1), device: 'tpu' as 'gpu' })).rejects.toThrow();
    expect((await s.list()).entries).toEqual([]);
  });

  it('keeps every entry listable across size rotation', async () => {
    const s = store({ fileSize: '1K', keepFiles: 100 });
    for (let n = 0; n < 60; n++) await s.append(entry(n));
    const files = await historyFiles();
    expect(files.length).toBeGreaterThan(5);
    expect(files).toContain('transcripts.jsonl.1');

    const page = await s.list({ limit: 1000 });
    expect(page.skippedLines).toBe(0);
    expect(page.entries.map((e) => e.text)).toEqual(
      Array.from({ length: 60 }, (_, i) => `transcript number ${59 - i}`),
    );
    // Paging with `before` crosses file boundaries too.
    const tail = await s.list({ limit: 3, before: page.entries[40]?.atMs });
    expect(tail.entries.map((e) => e.text)).toEqual([
      'transcript number 18',
      'transcript number 17',
      'transcript number 16',
    ]);
  });

  it('drops only the oldest files beyond keepFiles', async () => {
    const s = store({ fileSize: '1K', keepFiles: 2 });
    for (let n = 0; n < 60; n++) await s.append(entry(n));
    expect(await historyFiles()).toEqual(['transcripts.jsonl', 'transcripts.jsonl.1', 'transcripts.jsonl.2']);
    const texts = (await s.list({ limit: 1000 })).entries.map((e) => e.text);
    expect(texts[0]).toBe('transcript number 59');
    // What is left is the newest, contiguous run.
    const numbers = texts.map((t) => Number(t.split(' ').pop()));
    expect(numbers).toEqual(numbers.map((_, i) => 59 - i));
  });

  it('skips and counts corrupted lines, including a torn last line, and keeps appending', async () => {
    const first = store();
    await first.append(entry(1));
    await first.close();
    const file = path.join(dir, HISTORY_FILE);
    await appendFile(file, 'this is not json\n{"id":"x","text":"wrong shape"}\n');
    const second = store();
    await second.append(entry(2));
    await second.close();
    // A crash in the middle of a write: the last line has no newline.
    await appendFile(file, '{"id":"torn","atMs":17000000');

    const reader = store();
    const page = await reader.list();
    expect(page.entries.map((e) => e.text)).toEqual(['transcript number 2', 'transcript number 1']);
    expect(page.skippedLines).toBe(3);

    // The next append starts on a fresh line instead of being glued to the torn one.
    await reader.append(entry(3));
    const after = await reader.list();
    expect(after.entries.map((e) => e.text)).toEqual([
      'transcript number 3',
      'transcript number 2',
      'transcript number 1',
    ]);
    expect(after.skippedLines).toBe(3);
  });

  it('keeps whole lines under concurrent appends, across rotations', async () => {
    const s = store({ fileSize: '2K', keepFiles: 200 });
    const saved = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        s.append(entry(n, { text: `concurrent ${n} ${'x'.repeat(n % 37)}` })),
      ),
    );
    const page = await s.list({ limit: 1000 });
    expect(page.skippedLines).toBe(0);
    expect(page.entries).toHaveLength(200);
    expect(new Set(page.entries.map((e) => e.id)).size).toBe(200);
    // Appends land in call order, so newest first is the reverse of the calls.
    expect(page.entries.map((e) => e.id)).toEqual(saved.map((e) => e.id).reverse());
    for (const name of await historyFiles()) {
      const content = await readFile(path.join(dir, name), 'utf8');
      expect(content.endsWith('\n')).toBe(true);
      for (const line of content.trimEnd().split('\n'))
        expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });

  it('clear() removes live and rotated files, and appending works afterwards', async () => {
    const s = store({ fileSize: '1K', keepFiles: 10 });
    for (let n = 0; n < 20; n++) await s.append(entry(n));
    expect((await historyFiles()).length).toBeGreaterThan(1);
    await s.clear();
    expect(await historyFiles()).toEqual([]);
    expect(await s.list()).toEqual({ entries: [], skippedLines: 0 });
    await s.append(entry(99));
    expect((await s.list()).entries.map((e) => e.text)).toEqual(['transcript number 99']);
  });

  it('lists nothing (rather than failing) before the folder exists', async () => {
    const s = openHistoryStore(path.join(dir, 'fresh-user-data'));
    stores.push(s);
    expect(await s.list()).toEqual({ entries: [], skippedLines: 0 });
    await s.append(entry(1));
    const files = await readdir(path.join(dir, 'fresh-user-data', 'history'));
    expect(files).toEqual([HISTORY_FILE]);
  });

  it('deletes one entry by id, keeps the others and unreadable lines, and appends after it', async () => {
    const s = store();
    const kept = await s.append(entry(1));
    const gone = await s.append(entry(2));
    await appendFile(path.join(dir, HISTORY_FILE), 'not json\n');
    expect(await s.delete(gone.id)).toBe(true);
    expect(await s.delete(gone.id)).toBe(false);
    const after = await s.list();
    expect(after.entries.map((e) => e.id)).toEqual([kept.id]);
    expect(after.skippedLines).toBe(1);
    const next = await s.append(entry(3));
    expect((await s.list()).entries.map((e) => e.id)).toEqual([next.id, kept.id]);
    expect(await historyFiles()).toEqual([HISTORY_FILE]);
  });
});
