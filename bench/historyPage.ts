// (j) History read from the end: the first page of a 1 GiB transcript history, in time and memory. The history
// store reads the live file backwards in bounded chunks (electron/engine/history/historyStore.ts); the reader it
// replaced read the whole file (300 MB: 2.6 s and 898 MiB; 700 MB: "Invalid string length" on every call).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { HISTORY_FILE, HistoryStore } from '../electron/engine/history/historyStore';
import { writeBigHistory } from '../test/fixtures/bigHistory';
import { machineInfo } from './machine';
import { table, type BenchResult } from './report';

const GIB = 1024 * 1024 * 1024;
const PAGES = 5;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rssMiB = (): number => process.memoryUsage().rss / (1024 * 1024);

export async function benchHistoryPage(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  const bytes = quick ? GIB / 8 : GIB;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-bench-history-'));
  try {
    const entries = await writeBigHistory(path.join(dir, HISTORY_FILE), bytes);
    const rows: string[][] = [];
    const data: { page: number; ms: number; extraMiB: number }[] = [];
    for (let page = 1; page <= PAGES; page++) {
      const store = new HistoryStore({ dir });
      gc();
      const before = rssMiB();
      const t0 = performance.now();
      const result = await store.list({ limit: 50 });
      const ms = performance.now() - t0;
      const extraMiB = rssMiB() - before;
      await store.close();
      if (result.entries.length !== 50) throw new Error(`page ${page}: ${result.entries.length} entries`);
      data.push({ page, ms, extraMiB });
      rows.push([String(page), `${ms.toFixed(1)} ms`, `${extraMiB.toFixed(1)} MiB`]);
    }
    const markdown = [
      `A history file of ${(bytes / GIB).toFixed(3)} GiB (${entries.toLocaleString('en')} entries of ~200 bytes) on` +
        ` the real file system; each row opens the store afresh and reads the first page of 50 (the popover's` +
        " history). Extra RSS is the process's resident memory after the call minus before it (after a GC)." +
        ' Goal: under 200 ms and under 50 MiB.',
      '',
      table(['run', 'first page of 50', 'extra RSS'], rows),
    ].join('\n');
    return {
      name: 'history',
      title: '(j) History: the first page of a 1 GiB history',
      quick,
      machine: machineInfo(),
      seconds: (performance.now() - started) / 1000,
      params: { bytes, entries, pages: PAGES },
      data,
      markdown,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
