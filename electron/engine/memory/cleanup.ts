/**
 * Memory cleanup actions. ORT's Node binding cannot shrink its arenas (RunOptions `extra` is ignored), and a
 * session's GPU memory goes only with the session, so what a cleanup can give back is the JS heap (a real garbage
 * collection) and the caches the engine registers. Each returns what it measured; the caller measures GPU memory.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { BYTES_PER_MIB } from '../../../shared/gpuSample';

type CacheDropper = () => void;

const droppers = new Set<CacheDropper>();

export interface CleanupResult {
  ms: number;
  /** JS heap in use before minus after (negative when the program allocated meanwhile). */
  heapFreedMiB: number;
}

/** A module with a cache registers how to empty it; returns the unregister function. */
export function registerCache(drop: CacheDropper): () => void {
  droppers.add(drop);
  return () => droppers.delete(drop);
}

/**
 * V8's gc(), without asking every way the engine is started (Electron's utility process, the CLI, tests) for
 * --expose-gc: turning the flag on at run time exposes gc to contexts created afterwards.
 */
const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * The caches, then `gcRounds` full collections, each in its own turn of the event loop: a collection stops the
 * thread, and three in a row would hold readings and requests for all three. `ms` is the time the thread was held.
 */
async function run(gcRounds: number): Promise<CleanupResult> {
  const before = process.memoryUsage().heapUsed;
  let held = performance.now();
  for (const drop of droppers) drop();
  let ms = 0;
  for (let i = 0; i < gcRounds; i++) {
    if (i > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      held = performance.now();
    }
    collectGarbage();
    ms += performance.now() - held;
  }
  const heapFreedMiB = Math.round(((before - process.memoryUsage().heapUsed) / BYTES_PER_MIB) * 10) / 10;
  return { ms, heapFreedMiB };
}

/** WARNING: the caches and one GC. */
export function cleanupLight(): Promise<CleanupResult> {
  return run(1);
}

/** CRITICAL: the caches and three GC rounds (objects freed by one round release others). */
export function cleanupAggressive(): Promise<CleanupResult> {
  return run(3);
}
