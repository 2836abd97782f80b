import type { EngineStatus, ModelStatus } from '../../shared/engineEvents';
import { formatUsage } from './format';

/**
 * The engine's reasons for a model that prefers the CPU (memoryManager's placement): such a model is where it
 * belongs, and no memory rule applies to it.
 */
const PREFERS_CPU = /runs best on the CPU|preference is CPU/;

/** A model that belongs on the CPU (Silero VAD, a TDT decoder): the memory card lists only the others. */
export function prefersCpu(model: ModelStatus): boolean {
  return model.device === 'cpu' && PREFERS_CPU.test(model.reason);
}

/** The engine's reason after an idle release (memoryManager.idleRelease): it outranks every memory rule. */
const IDLE_RELEASE = /after \d+ min idle:/;

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/**
 * One line saying where a model runs and which rule keeps it there, in the user's terms: a model on the CPU
 * that belongs on the GPU names what holds it back (errors, the user's Offload, the level, or usage above
 * the restore threshold); otherwise the engine's own reason.
 */
export function placementLine(model: ModelStatus, status: EngineStatus, restore: number | null): string {
  if (model.device === 'gpu') {
    // With several GPUs the line names the one it is on.
    const where = status.gpus.length > 1 && model.gpu !== null ? `GPU ${model.gpu}` : 'the GPU';
    return `on ${where} (${model.ep}): ${model.reason}`;
  }
  if (model.unloaded) return `not loaded: ${model.reason}`;
  if (prefersCpu(model) || IDLE_RELEASE.test(model.reason)) return `on the CPU: ${model.reason}`;
  return `on the CPU: ${cpuRule(status, restore) ?? model.reason}`;
}

function cpuRule(status: EngineStatus, restore: number | null): string | null {
  if (status.permanentCpu)
    return `${status.gpuErrors.count} GPU errors reached the limit of ${status.gpuErrors.limit}; Restore to GPU tries again`;
  if (status.pinnedByUser) return 'you offloaded it; Restore to GPU brings it back';
  if (status.level !== 'NORMAL') return `memory is at ${status.level}`;
  if (restore !== null && status.usage > restore)
    return `usage ${formatUsage(status.usage)} is above the ${percent(restore)} restore threshold`;
  return null;
}
