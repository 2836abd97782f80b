import { ProbeError, type GpuProbe, type ProbeKind, type ProbeSelection } from './gpuProbe';
import { openNoGpuProbe } from './noGpuProbe';
import { openNvmlProbe } from './nvmlProbe';
import { openSysfsProbe } from './sysfsProbe';

export type ProbeChoice = 'auto' | 'nvml' | 'sysfs' | 'none';

/** One probe tried while opening, with its exact error: what `doctor` shows. */
export interface ProbeAttempt {
  kind: ProbeKind;
  ok: boolean;
  error?: string;
}

export interface OpenProbeOptions extends ProbeSelection {
  nvmlLibraryPath?: string | undefined;
  sysfsRoot?: string | undefined;
}

export interface OpenedProbe {
  probe: GpuProbe;
  attempts: ProbeAttempt[];
}

function openOne(kind: 'nvml' | 'sysfs' | 'none', sel: OpenProbeOptions): GpuProbe {
  const { gpu, pid } = sel;
  if (kind === 'nvml') return openNvmlProbe({ gpu, pid, libraryPath: sel.nvmlLibraryPath });
  if (kind === 'sysfs') return openSysfsProbe({ gpu, pid, root: sel.sysfsRoot });
  return openNoGpuProbe();
}

/**
 * Open the probe `kind` names. `auto` tries NVML, then sysfs, then settles for no GPU, recording why each
 * failed. An explicit kind that fails throws its ProbeError. A GPU the user named that does not exist always
 * throws: silently sampling another GPU (or none) would watch the wrong memory.
 */
export function openProbe(kind: ProbeChoice, sel: OpenProbeOptions): OpenedProbe {
  if (kind !== 'auto') return { probe: openOne(kind, sel), attempts: [{ kind, ok: true }] };
  const attempts: ProbeAttempt[] = [];
  for (const candidate of ['nvml', 'sysfs'] as const) {
    try {
      const probe = openOne(candidate, sel);
      attempts.push({ kind: candidate, ok: true });
      return { probe, attempts };
    } catch (err) {
      if (err instanceof ProbeError && err.code === 'unknown-gpu') throw err;
      attempts.push({ kind: candidate, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  attempts.push({ kind: 'none', ok: true });
  return { probe: openNoGpuProbe(), attempts };
}
