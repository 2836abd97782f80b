import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openProbe, type ProbeAttempt } from '../../memory/probes/openProbe';
import type { GpuDeviceInfo } from '../../memory/probes/gpuProbe';
import { probeExecutionProviders, type EpProbeReport } from '../../models/executionProviders';
import { describeGpuMapping, type GpuMapping } from '../../models/gpuMapping';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import { cliSettings } from '../cliSettings';
import type { ParsedArgs } from '../main';

interface DoctorReport {
  dataDir: string;
  /** keptAside: earlier unusable settings files, moved aside and never overwritten. */
  settings: { path: string; ok: boolean; problem: string | null; keptAs: string | null; keptAside: string[] };
  probes: ProbeAttempt[];
  devices: GpuDeviceInfo[];
  /** The GPUs the engine watches and places models on (memory.gpu: every one, or the one pinned). */
  watched: number[];
  executionProviders: EpProbeReport;
  /** How the GPU provider's device matches the watched GPUs. */
  gpuMapping: GpuMapping;
  /** How often the engine reads the GPU: the calm interval, and how fast near a threshold. */
  sampling: { calmMs: number; adaptive: boolean; fastestMs: number };
  models: string[];
  fixes: string[];
}

/** Everything a user (or a bug report) needs to know about why the GPU is or is not used. */
export async function doctorCommand({ values }: ParsedArgs): Promise<number> {
  const report = await diagnose();
  if (values['json'] === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${render(report)}\n`);
  return 0;
}

async function diagnose(): Promise<DoctorReport> {
  const dataDir = userDataDir();
  const loaded = await cliSettings();
  const { probe, attempts } = openProbe('auto', { gpu: loaded.settings.memory.gpu });
  const devices = probe.devices();
  const watched = probe.watched;
  probe.close();
  const executionProviders = await probeExecutionProviders();
  const models = await readdir(userDataPaths(dataDir).models).catch(() => []);
  const keptAside = (await readdir(dataDir).catch(() => [])).filter((f) =>
    f.startsWith('settings.json.corrupt-'),
  );
  const report: DoctorReport = {
    dataDir,
    settings: {
      path: loaded.path,
      ok: loaded.problem === null,
      problem: loaded.problem?.message ?? null,
      keptAs: loaded.problem?.keptAs ?? null,
      keptAside: keptAside.map((f) => join(dataDir, f)),
    },
    probes: attempts,
    devices,
    watched: watched.map((d) => d.index),
    executionProviders,
    gpuMapping: describeGpuMapping(executionProviders.gpuEp, watched),
    sampling: {
      calmMs: loaded.settings.memory.intervalMs,
      adaptive: loaded.settings.memory.adaptiveSampling.enabled,
      fastestMs: loaded.settings.memory.adaptiveSampling.fastestMs,
    },
    models,
    fixes: [],
  };
  report.fixes = fixesFor(report);
  return report;
}

function fixesFor(r: DoctorReport): string[] {
  const fixes: string[] = [];
  if (!r.settings.ok) {
    fixes.push(
      `Settings were unusable and defaults are in use; the bad file is kept as ${r.settings.keptAs ?? r.settings.path}. Fix or delete it.`,
    );
  }
  if (r.settings.ok && r.settings.keptAside.length > 0) {
    fixes.push(
      `Unusable settings files were kept aside: ${r.settings.keptAside.join(', ')}. Recover what you need from them, then delete them.`,
    );
  }
  if (r.devices.length === 0) {
    fixes.push(
      'No GPU was found: models run on the CPU. For an NVIDIA GPU install its driver (it provides libnvidia-ml); for AMD on Linux the amdgpu driver exposes sysfs memory files.',
    );
  }
  const ep = (name: string) => r.executionProviders.results.find((x) => x.ep === name);
  if (r.devices.length > 0 && r.executionProviders.gpuEp === null) {
    if (ep('webgpu')?.ok === false) {
      fixes.push(
        "WebGPU found no adapter: install the Vulkan loader (Debian/Ubuntu: libvulkan1) and your GPU vendor's Vulkan driver.",
      );
    }
    if (ep('cuda')?.ok === false) {
      fixes.push(
        'CUDA is optional: install CUDA 12 + cuDNN 9, then reinstall onnxruntime-node with --onnxruntime-node-install=cuda12.',
      );
    }
  }
  if (r.gpuMapping.ambiguous) {
    fixes.push(
      'Several GPUs and WebGPU: pin memory.gpu to the GPU WebGPU uses (its index or UUID), or install CUDA, so models run where the memory manager places them.',
    );
  }
  if (r.models.length === 0)
    fixes.push(`No speech model is installed yet in ${userDataPaths(r.dataDir).models}.`);
  return fixes;
}

function render(r: DoctorReport): string {
  const lines = [`User data: ${r.dataDir}`];
  lines.push(
    `Settings:  ${r.settings.path} — ${r.settings.ok ? 'ok' : `PROBLEM: ${r.settings.problem ?? ''}`}`,
  );
  lines.push('GPU probes:');
  for (const a of r.probes) lines.push(`  ${a.kind.padEnd(6)} ${a.ok ? 'ok' : `failed: ${a.error ?? ''}`}`);
  lines.push('GPUs:');
  if (r.devices.length === 0) lines.push('  none');
  for (const d of r.devices) {
    const note = r.watched.includes(d.index) ? '' : ' (not watched: memory.gpu pins another)';
    lines.push(`  ${d.index}: ${d.name} (${d.uuid}), ${Math.round(d.totalMiB)} MiB${note}`);
  }
  lines.push(`GPU mapping: ${r.gpuMapping.text}`);
  lines.push(`Execution providers (GPU: ${r.executionProviders.gpuEp ?? 'none'}):`);
  for (const e of r.executionProviders.results) {
    lines.push(`  ${e.ep.padEnd(6)} ${e.ok ? 'ok' : `failed: ${e.error ?? ''}`} (${e.ms.toFixed(0)} ms)`);
  }
  lines.push(`Sampling: ${samplingLine(r.sampling)}`);
  lines.push(`Models: ${r.models.length ? r.models.join(', ') : 'none installed'}`);
  if (r.fixes.length) lines.push('What to fix:', ...r.fixes.map((f) => `  - ${f}`));
  return lines.join('\n');
}

function samplingLine(s: DoctorReport['sampling']): string {
  const calm = `every ${s.calmMs} ms when calm`;
  if (!s.adaptive || s.fastestMs >= s.calmMs) return `${calm} (adaptive sampling off)`;
  return `${calm}, down to ${s.fastestMs} ms near a threshold or while usage climbs towards one`;
}
