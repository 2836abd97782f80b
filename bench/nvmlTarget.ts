// Which NVML the benchmarks measure: the driver's libnvidia-ml and nvidia-smi where they work, else the project's
// stub pair (test/fixtures/nvml-stub, built with gcc). Every result says which one it was.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openNvmlProbe } from '../electron/engine/memory/probes/nvmlProbe';
import { readNvidiaSmi } from '../electron/engine/memory/probes/nvidiaSmi';
import { buildNvmlStub } from '../test/fixtures/nvml-stub/buildStub';

export type Source = 'real' | 'stub';

export interface NvmlTarget {
  nvml: Source;
  /** undefined: the driver's library by its default name. */
  libraryPath: string | undefined;
  gpuName: string;
  smi: { source: Source; command: string } | null;
  /** Why the real driver was not used, when it was not. */
  realError: string | null;
  dispose(): void;
}

const MiB = 1024 * 1024;

/**
 * An H100-like device for the stub: the figures only matter for plausibility; the call path (koffi, the v2
 * struct, both process lists with one pid in each, as a Vulkan process appears) is what is measured.
 */
function stubConfig(): string {
  const own = process.pid;
  const parent = process.ppid;
  return [
    'count=1',
    'dev0.name=NVIDIA H100 80GB HBM3 (stub)',
    `dev0.total=${81559 * MiB}`,
    `dev0.reserved=${480 * MiB}`,
    `dev0.free=${60000 * MiB}`,
    `dev0.used=${(81559 - 480 - 60000) * MiB}`,
    `dev0.compute=${own}:${1574 * MiB},${parent}:${19000 * MiB},1:${505 * MiB}`,
    `dev0.graphics=${own}:${1574 * MiB}`,
    '',
  ].join('\n');
}

async function realSmi(): Promise<NvmlTarget['smi']> {
  try {
    await readNvidiaSmi();
    return { source: 'real', command: 'nvidia-smi' };
  } catch {
    return null;
  }
}

export async function openNvmlTarget(): Promise<NvmlTarget> {
  try {
    const probe = openNvmlProbe({});
    const gpuName = probe.device?.name ?? 'unknown NVIDIA GPU';
    probe.close();
    return {
      nvml: 'real',
      libraryPath: undefined,
      gpuName,
      smi: await realSmi(),
      realError: null,
      dispose: () => undefined,
    };
  } catch (error) {
    const realError = error instanceof Error ? error.message : String(error);
    const dir = mkdtempSync(join(tmpdir(), 'swictation-bench-nvml-'));
    const build = await buildNvmlStub(dir);
    const config = join(dir, 'stub.conf');
    writeFileSync(config, stubConfig());
    // Read by the stub library at every nvmlInit_v2 and by the stub nvidia-smi (a child inherits it).
    process.env['NVML_STUB_CONFIG'] = config;
    return {
      nvml: 'stub',
      libraryPath: build.libPath,
      gpuName: 'NVIDIA H100 80GB HBM3 (stub)',
      smi: { source: 'stub', command: build.smiPath },
      realError,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
}

export function describeTarget(t: NvmlTarget): string {
  const nvml =
    t.nvml === 'real'
      ? `the real NVIDIA driver's libnvidia-ml (${t.gpuName})`
      : `the stub libnvidia-ml from test/fixtures/nvml-stub (no NVIDIA driver here: ${t.realError ?? '?'})`;
  const smi =
    t.smi === null
      ? 'no nvidia-smi'
      : t.smi.source === 'real'
        ? 'the real nvidia-smi'
        : 'the stub nvidia-smi (a small C program linked with the stub)';
  return `NVML: ${nvml}; nvidia-smi: ${smi}.`;
}
