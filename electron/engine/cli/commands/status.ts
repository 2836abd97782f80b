import { usageOf } from '../../../../shared/gpuSample';
import { levelForUsage } from '../../../../shared/pressurePolicy';
import type { EngineStatus } from '../../../../shared/engineEvents';
import { formatStatusReport, gpuStatusOf } from '../../memory/statusReport';
import { openCliProbe } from '../cliProbe';
import { cliSettings } from '../cliSettings';
import type { ParsedArgs } from '../main';

/** One reading of the GPU and the status block, as the running engine would log it. */
export async function statusCommand({ values }: ParsedArgs): Promise<number> {
  const { settings } = await cliSettings();
  const { probe } = openCliProbe(values['gpu'], settings.memory.gpu);
  try {
    const sample = probe.kind === 'none' ? null : probe.sample(Date.now());
    const usage = sample ? usageOf(sample) : 0;
    const status: EngineStatus = {
      level: levelForUsage(usage, settings.memory.thresholds),
      usage,
      totalMiB: sample?.totalMiB ?? 0,
      usedMiB: sample?.usedMiB ?? 0,
      freeMiB: sample?.freeMiB ?? 0,
      reservedMiB: sample?.reservedMiB ?? null,
      gpu: sample ? { ...sample.gpu } : null,
      gpus: sample ? [gpuStatusOf(sample, levelForUsage(usage, settings.memory.thresholds))] : [],
      probe: { kind: probe.kind, ok: true },
      models: [],
      gpuErrors: {
        count: 0,
        limit: settings.memory.gpuErrorLimit,
        inWindow: 0,
        windowMs: settings.memory.gpuErrorWindowMs,
      },
      permanentCpu: false,
      pinnedByUser: false,
      restoreBlocker: null,
      lastSampleAtMs: sample?.atMs ?? null,
      samplingIntervalMs: settings.memory.intervalMs,
    };
    if (values['json'] === true) process.stdout.write(`${JSON.stringify({ status, sample })}\n`);
    else process.stdout.write(`${formatStatusReport(status)}\n`);
    return 0;
  } finally {
    probe.close();
  }
}
