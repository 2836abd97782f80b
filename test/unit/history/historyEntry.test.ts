import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE, HistoryStore } from '../../../electron/engine/history/historyStore';
import { methods, parseResult } from '../../../shared/contract';
import { historyEntrySchema } from '../../../shared/historyEntry';

let dir: string;
let store: HistoryStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-history-entry-'));
  store = new HistoryStore({ dir });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('one history entry schema for the store and the contract', () => {
  it('history.list answers with the very schema the store reads its lines with', () => {
    expect(methods['history.list'].result.shape.entries.element).toBe(historyEntrySchema);
  });

  it('what the store keeps is a valid history.list answer; a line the store skips, the contract refuses', async () => {
    const kept = await store.append({
      text: 'hello world',
      device: 'gpu',
      ep: 'webgpu',
      latencyMs: 120,
      durationMs: 1500,
      source: 'microphone',
    });
    const odd = { ...kept, id: 'odd', device: 'tpu' };
    await appendFile(path.join(dir, HISTORY_FILE), `${JSON.stringify(odd)}\n`);
    const page = await store.list();
    expect(page.entries).toEqual([kept]);
    expect(page.skippedLines).toBe(1);
    expect(parseResult('history.list', { entries: page.entries })).toEqual({
      ok: true,
      value: { entries: [kept] },
    });
    expect(parseResult('history.list', { entries: [odd] }).ok).toBe(false);
  });
});
