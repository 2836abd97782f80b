/**
 * Memory cleanup actions. ORT's Node binding cannot shrink its arenas (RunOptions `extra` is
 * ignored), so what remains is the JS heap (garbage collection, when the engine runs with
 * --expose-gc) and caches the engine registers (pooled tensors, decoded audio).
 */
type CacheDropper = () => void;

const droppers = new Set<CacheDropper>();

/** A module with a cache registers how to empty it; returns the unregister function. */
export function registerCache(drop: CacheDropper): () => void {
  droppers.add(drop);
  return () => droppers.delete(drop);
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

/** WARNING: one GC and the caches. Budget < 10 ms. Returns its duration in ms. */
export function cleanupLight(): number {
  const started = performance.now();
  for (const drop of droppers) drop();
  collectGarbage();
  return performance.now() - started;
}

/** CRITICAL: the caches and three GC rounds (objects freed by one round release others). */
export function cleanupAggressive(): number {
  const started = performance.now();
  for (const drop of droppers) drop();
  for (let i = 0; i < 3; i++) collectGarbage();
  return performance.now() - started;
}
