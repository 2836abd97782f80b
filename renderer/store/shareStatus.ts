import type { EngineStatus } from '../../shared/engineEvents';

/**
 * A fresh status arrives several times a second; its parts that did not change keep their old identity,
 * so a component selecting `status.models` re-renders only when a model actually moved.
 */
export function shareStatus(prev: EngineStatus | null, next: EngineStatus): EngineStatus {
  if (!prev) return next;
  return {
    ...next,
    models: same(prev.models, next.models) ? prev.models : next.models,
    gpu: same(prev.gpu, next.gpu) ? prev.gpu : next.gpu,
    gpus: same(prev.gpus, next.gpus) ? prev.gpus : next.gpus,
    probe: same(prev.probe, next.probe) ? prev.probe : next.probe,
    gpuErrors: same(prev.gpuErrors, next.gpuErrors) ? prev.gpuErrors : next.gpuErrors,
  };
}

/** Plain data from a validated message: JSON equality is exact and cheap at this size. */
function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
