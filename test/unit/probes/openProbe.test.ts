import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProbeError, type GpuProbe } from '../../../electron/engine/memory/probes/gpuProbe';
import { openProbe, type OpenedProbe } from '../../../electron/engine/memory/probes/openProbe';
import { createStubHarness, MIB, type NvmlStubHarness } from './nvmlStubHarness';

let stub: NvmlStubHarness;
let amdRoot: string;
let emptyRoot: string;
let missingNvml: string;
const opened: GpuProbe[] = [];

function open(...args: Parameters<typeof openProbe>): OpenedProbe {
  const result = openProbe(...args);
  opened.push(result.probe);
  return result;
}

function probeError(fn: () => unknown): ProbeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProbeError) return err;
    throw err;
  }
  throw new Error('expected a ProbeError');
}

beforeAll(async () => {
  stub = await createStubHarness();
  missingNvml = join(stub.dir, 'absent', 'libnvidia-ml.so.1');
  amdRoot = join(stub.dir, 'amd');
  const device = join(amdRoot, 'sys/class/drm/card0/device');
  mkdirSync(device, { recursive: true });
  writeFileSync(join(device, 'vendor'), '0x1002\n');
  writeFileSync(join(device, 'device'), '0x744c\n');
  writeFileSync(join(device, 'mem_info_vram_total'), `${24 * 1024 * MIB}\n`);
  writeFileSync(join(device, 'mem_info_vram_used'), `${512 * MIB}\n`);
  emptyRoot = mkdtempSync(join(tmpdir(), 'no-gpu-'));
});

afterEach(() => {
  for (const probe of opened.splice(0)) probe.close();
});

afterAll(() => {
  stub.dispose();
  rmSync(emptyRoot, { recursive: true, force: true });
});

describe('openProbe auto', () => {
  it('takes NVML first', () => {
    stub.configure({});
    const { probe, attempts } = open('auto', { nvmlLibraryPath: stub.libPath, sysfsRoot: amdRoot });
    expect(probe.kind).toBe('nvml');
    expect(attempts).toEqual([{ kind: 'nvml', ok: true }]);
  });

  it('falls to sysfs when NVML is missing, recording the exact error', () => {
    const { probe, attempts } = open('auto', { nvmlLibraryPath: missingNvml, sysfsRoot: amdRoot });
    expect(probe.kind).toBe('sysfs');
    expect(probe.sample(0)).toMatchObject({ totalMiB: 24576, usedMiB: 512 });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ kind: 'nvml', ok: false });
    expect(attempts[0]?.error).toMatch(/^NVIDIA driver library .*libnvidia-ml\.so\.1 not found \(/);
    expect(attempts[1]).toEqual({ kind: 'sysfs', ok: true });
  });

  it('falls to sysfs when NVML refuses to initialise', () => {
    stub.configure({ init_rc: 9 });
    const { probe, attempts } = open('auto', { nvmlLibraryPath: stub.libPath, sysfsRoot: amdRoot });
    expect(probe.kind).toBe('sysfs');
    expect(attempts[0]).toEqual({
      kind: 'nvml',
      ok: false,
      error: 'nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)',
    });
  });

  it('settles for no GPU when nothing is found', () => {
    const { probe, attempts } = open('auto', { nvmlLibraryPath: missingNvml, sysfsRoot: emptyRoot });
    expect(probe.kind).toBe('none');
    expect(probe.device).toBeNull();
    expect(probe.devices()).toEqual([]);
    expect(probeError(() => probe.sample(0)).code).toBe('no-device');
    expect(attempts.map((a) => [a.kind, a.ok])).toEqual([
      ['nvml', false],
      ['sysfs', false],
      ['none', true],
    ]);
    expect(attempts[1]?.error).toContain('no DRM devices in sysfs');
  });

  it('throws for an unknown GPU instead of trying the next probe', () => {
    stub.configure({ count: 2 });
    const err = probeError(() =>
      open('auto', { gpu: '3', nvmlLibraryPath: stub.libPath, sysfsRoot: amdRoot }),
    );
    expect(err.code).toBe('unknown-gpu');
    expect(err.message).toContain('available: 0 (GPU-');
  });

  it('throws for an unknown GPU found by the fallback probe too', () => {
    const err = probeError(() =>
      open('auto', { gpu: '1', nvmlLibraryPath: missingNvml, sysfsRoot: amdRoot }),
    );
    expect(err.code).toBe('unknown-gpu');
    expect(err.message).toContain('0 (amd-card0)');
  });
});

describe('openProbe explicit', () => {
  it('throws the ProbeError of a kind that fails', () => {
    const nvml = probeError(() => open('nvml', { nvmlLibraryPath: missingNvml, sysfsRoot: amdRoot }));
    expect(nvml.code).toBe('library-missing');
    const sysfs = probeError(() => open('sysfs', { nvmlLibraryPath: stub.libPath, sysfsRoot: emptyRoot }));
    expect(sysfs.code).toBe('library-missing');
  });

  it('opens the named kind only', () => {
    stub.configure({});
    const sysfs = open('sysfs', { nvmlLibraryPath: stub.libPath, sysfsRoot: amdRoot });
    expect(sysfs.probe.kind).toBe('sysfs');
    expect(sysfs.attempts).toEqual([{ kind: 'sysfs', ok: true }]);
    const nvml = open('nvml', { nvmlLibraryPath: stub.libPath, sysfsRoot: amdRoot, gpu: '0' });
    expect(nvml.probe.device?.vendor).toBe('nvidia');
    const none = open('none', {});
    expect(none.probe.kind).toBe('none');
    expect(none.attempts).toEqual([{ kind: 'none', ok: true }]);
  });
});
