import { usageOf } from '../../../../shared/gpuSample';
import { levelForUsage } from '../../../../shared/pressurePolicy';
import type { EngineStatus } from '../../../../shared/engineEvents';
import { formatStatusReport, gpuStatusOf } from '../../memory/statusReport';
import { openCliProbe } from '../cliProbe';
import { cliSettings } from '../cliSettings';
import type { ParsedArgs } from '../main';

/** One reading of every watched GPU and the status block, as the running engine would log it. */
export async function statusCommand({ values }: ParsedArgs): Promise<number> {
  const { settings } = await cliSettings();
  const { probe } = openCliProbe(values['gpu'], settings.memory.gpu);
  try {
    const thresholds = settings.memory.thresholds;
    const samples = probe.kind === 'none' ? [] : probe.sampleAll(Date.now());
    // The top level is the most pressed GPU's, as in the engine's status.
    const sample = [...samples].sort((a, b) => usageOf(b) - usageOf(a))[0] ?? null;
    const usage = sample ? usageOf(sample) : 0;
    const status: EngineStatus = {
      level: levelForUsage(usage, thresholds),
      usage,
      totalMiB: sample?.totalMiB ?? 0,
      usedMiB: sample?.usedMiB ?? 0,
      freeMiB: sample?.freeMiB ?? 0,
      reservedMiB: sample?.reservedMiB ?? null,
      gpu: sample ? { ...sample.gpu } : null,
      gpus: samples.map((s) => gpuStatusOf(s, levelForUsage(usageOf(s), thresholds))),
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
    if (values['json'] === true) process.stdout.write(`${JSON.stringify({ status, sample, samples })}\n`);
    else process.stdout.write(`${formatStatusReport(status)}\n`);
    return 0;
  } finally {
    probe.close();
  }
}
