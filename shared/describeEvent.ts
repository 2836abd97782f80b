import type { EngineEvent } from './engineEvents';
import type { Thresholds } from './settings';

/** One human-readable line per engine event, for terminals and logs. */
export function describeEvent(e: EngineEvent): string {
  switch (e.type) {
    case 'sample':
      return `sample   GPU ${e.sample.gpu.index} ${(e.usage * 100).toFixed(1)}% ${Math.round(e.sample.usedMiB)}/${Math.round(e.sample.totalMiB)} MiB`;
    case 'status':
      return `status   ${e.status.level} ${(e.status.usage * 100).toFixed(1)}%, ${e.status.models.map((m) => `${m.id}@${m.device}`).join(' ') || 'no models'}`;
    case 'settings':
      return `settings hotkey ${e.settings.speech.hotkey}, ${describeThresholds(e.settings.memory.thresholds)}`;
    case 'level':
      return `level    ${e.from} → ${e.to} at ${(e.usage * 100).toFixed(1)}%${e.gpu === undefined ? '' : ` (GPU ${e.gpu})`}`;
    case 'action':
      return `action   ${e.name} (${e.level}) ${e.ms.toFixed(2)} ms${e.detail ? ` — ${e.detail}` : ''}`;
    case 'placement':
      return `place    ${e.model}: ${e.from ?? 'new'}${gpuTag(e.fromGpu)} → ${e.to}${gpuTag(e.gpu)} in ${e.ms.toFixed(1)} ms — ${e.reason}`;
    case 'gpu-error':
      return `gpu-err  ${e.kind}${e.gpu === null ? '' : ` on GPU ${e.gpu}`} ${e.inWindow}/${e.limit} in window${e.retriedOn ? `, retried on ${e.retriedOn}` : ''} — ${e.message}`;
    case 'permanent-cpu':
      return `cpu-pin  permanent CPU fallback ${e.on ? 'ON' : 'off'}`;
    case 'refused':
      return `refused  ${e.command}: ${e.reason}`;
    case 'probe':
      return `probe    ${e.ok ? 'recovered' : `FAILED: ${e.error ?? ''}`}`;
    case 'transcript':
      return `text     "${e.text}" (${e.device}/${e.ep}, ${e.latencyMs.toFixed(0)} ms${e.retriedOnCpu ? ', retried on cpu' : ''}${e.recovered ? ', recovered after an engine restart' : ''})`;
    case 'dictation':
      return `dictate  ${e.state} (${e.source}${e.queued ? `, ${e.queued} queued` : ''})`;
    case 'input':
      return `input    ${(e.level * 100).toFixed(0)}%`;
    case 'failure':
      return `failure  during ${e.during}: ${e.message}`;
    case 'protocol-error':
      return `protocol ${e.message}`;
    case 'report':
      return `report\n${e.text}`;
    case 'speech':
      return `speech   ${e.model ? `${e.model.id} (${e.model.source})` : `none: ${e.problem ?? ''}`}`;
    case 'download':
      return `download ${e.modelId} ${e.state} ${Math.round(e.bytes / 1048576)}${e.total !== null ? `/${Math.round(e.total / 1048576)}` : ''} MiB${e.message ? ` — ${e.message}` : ''}`;
  }
}

function describeThresholds(t: Thresholds): string {
  return `warning ${t.warning} critical ${t.critical} emergency ${t.emergency} restore ${t.restore}`;
}

/** " 1" after a device that is GPU 1; nothing for the CPU. */
function gpuTag(gpu: number | undefined): string {
  return gpu === undefined ? '' : ` ${gpu}`;
}
