import { Worker } from 'node:worker_threads';

/** Start a worker from a .js entry (bundled app) or a .ts entry (sources run through tsx). */
export function startWorker(entry: URL, workerData: Record<string, unknown>): Worker {
  if (entry.pathname.endsWith('.ts')) {
    return new Worker(new URL('./tsWorkerBoot.mjs', import.meta.url), {
      workerData: { ...workerData, entryUrl: entry.href },
    });
  }
  return new Worker(entry, { workerData });
}
