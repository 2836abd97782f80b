import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeError } from '../../../electron/engine/memory/probes/gpuProbe';
import { openSysfsProbe } from '../../../electron/engine/memory/probes/sysfsProbe';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const CARD0_SLOT = '0000:03:00.0';
const CARD2_SLOT = '0000:0a:00.0';

let root: string;

function put(path: string, text: string): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function card(n: number | string, files: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(files))
    put(`sys/class/drm/card${n}/device/${name}`, `${value}\n`);
}

/** A process with fds: fd number → [link target, fdinfo text]. */
function proc(pid: number, comm: string | null, fds: Record<number, [string, string]>): void {
  if (comm !== null) put(`proc/${pid}/comm`, `${comm}\n`);
  mkdirSync(join(root, `proc/${pid}/fd`), { recursive: true });
  for (const [fd, [target, info]] of Object.entries(fds)) {
    symlinkSync(target, join(root, `proc/${pid}/fd/${fd}`));
    put(`proc/${pid}/fdinfo/${fd}`, info);
  }
}

function fdinfo(fields: Record<string, string>): string {
  const lines = ['pos:\t0', 'flags:\t02100002', 'mnt_id:\t25'];
  for (const [key, value] of Object.entries(fields)) lines.push(`${key}:\t${value}`);
  return `${lines.join('\n')}\n`;
}

const amdClient = (id: string, vram: string, pdev = CARD0_SLOT) =>
  fdinfo({ 'drm-driver': 'amdgpu', 'drm-pdev': pdev, 'drm-client-id': id, 'drm-memory-vram': vram });

function probeError(fn: () => unknown): ProbeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProbeError) return err;
    throw err;
  }
  throw new Error('expected a ProbeError');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sysfs-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function standardTree(): void {
  card(0, {
    vendor: '0x1002',
    device: '0x73bf',
    product_name: 'AMD Radeon RX 6800',
    unique_id: '5b1c3a2f1e0d9c8b',
    uevent: `DRIVER=amdgpu\nPCI_SLOT_NAME=${CARD0_SLOT}`,
    mem_info_vram_total: 16 * GIB,
    mem_info_vram_used: 1536 * MIB,
  });
  // An Intel card with the same files must still be skipped: only vendor 0x1002 counts.
  card(1, { vendor: '0x8086', device: '0x56a0', mem_info_vram_total: 8 * GIB, mem_info_vram_used: GIB });
  card(2, {
    vendor: '0x1002',
    device: '0x164e',
    uevent: `DRIVER=amdgpu\nPCI_SLOT_NAME=${CARD2_SLOT}`,
    mem_info_vram_total: 512 * MIB,
    mem_info_vram_used: 100 * MIB,
  });
  // A connector: it looks like a card to a naive glob.
  card('0-DP-1', { vendor: '0x1002', mem_info_vram_total: 99 * GIB, mem_info_vram_used: 0 });
  put('sys/class/drm/renderD128/dev', '226:128\n');
  put('sys/class/drm/version', 'drm 1.1.0 20060810\n');

  // pid 100: two fds for the same client (dup) and one for another client of the same card.
  proc(100, 'ollama', {
    3: ['/dev/dri/renderD128', amdClient('7', '102400 KiB')],
    4: ['/dev/dri/renderD128', amdClient('7', '102400 KiB')],
    5: ['/dev/dri/card0', amdClient('8', '51200 KiB')],
  });
  proc(200, null, { 7: ['/dev/dri/renderD129', amdClient('9', '300 MiB')] });
  proc(300, 'igpu-app', { 3: ['/dev/dri/renderD130', amdClient('10', '64 MiB', CARD2_SLOT)] });
  // Not DRM files, or not amdgpu: never counted.
  proc(400, 'liar', { 1: ['/dev/null', amdClient('11', '999 MiB')] });
  proc(500, 'intel-app', {
    3: [
      '/dev/dri/renderD131',
      fdinfo({ 'drm-driver': 'i915', 'drm-client-id': '12', 'drm-memory-vram': '77 MiB' }),
    ],
  });
  put('proc/self/comm', 'node\n');
}

describe('sysfs probe', () => {
  it('finds AMD cards only, skipping connectors and other vendors', () => {
    standardTree();
    const probe = openSysfsProbe({ root });
    expect(probe.kind).toBe('sysfs');
    expect(probe.devices()).toEqual([
      { index: 0, uuid: '5b1c3a2f1e0d9c8b', name: 'AMD Radeon RX 6800', vendor: 'amd', totalMiB: 16384 },
      { index: 1, uuid: 'amd-card2', name: 'AMD GPU 0x164e', vendor: 'amd', totalMiB: 512 },
    ]);
    expect(probe.device?.index).toBe(0);
  });

  it('watches every AMD card ("auto"), each with its own memory and processes; a pinned card alone', () => {
    standardTree();
    const probe = openSysfsProbe({ root, gpu: 'auto' });
    const [big, small, ...rest] = probe.sampleAll(7);
    expect(rest).toEqual([]);
    expect(big).toMatchObject({ gpu: { index: 0 }, totalMiB: 16384, usedMiB: 1536 });
    expect(small).toMatchObject({ gpu: { index: 1, uuid: 'amd-card2' }, totalMiB: 512, usedMiB: 100 });
    expect(small?.topProcesses).toEqual([{ pid: 300, name: 'igpu-app', usedMiB: 64 }]);
    const pinned = openSysfsProbe({ root, gpu: '1' });
    expect(pinned.sampleAll(7).map((s) => s.gpu.index)).toEqual([1]);
  });

  it('samples device memory and per-process VRAM from fdinfo', () => {
    standardTree();
    const probe = openSysfsProbe({ root, pid: 100 });
    const s = probe.sample(42);
    expect(s).toMatchObject({
      atMs: 42,
      gpu: { index: 0, uuid: '5b1c3a2f1e0d9c8b', name: 'AMD Radeon RX 6800', vendor: 'amd' },
      totalMiB: 16384,
      usedMiB: 1536,
      freeMiB: 16384 - 1536,
      reservedMiB: null,
      processMiB: 150, // client 7 once (100) + client 8 (50)
    });
    expect(s.topProcesses).toEqual([
      { pid: 200, name: 'pid 200', usedMiB: 300 },
      { pid: 100, name: 'ollama', usedMiB: 150 },
    ]);
    probe.close();
  });

  it("counts only the selected card's clients", () => {
    standardTree();
    const probe = openSysfsProbe({ root, gpu: '1', pid: 300 });
    const s = probe.sample(0);
    expect(s).toMatchObject({ totalMiB: 512, usedMiB: 100, processMiB: 64 });
    expect(s.topProcesses).toEqual([{ pid: 300, name: 'igpu-app', usedMiB: 64 }]);
  });

  it('selects by UUID and rejects unknown GPUs with the list of cards', () => {
    standardTree();
    expect(openSysfsProbe({ root, gpu: 'AMD-CARD2' }).device?.index).toBe(1);
    const err = probeError(() => openSysfsProbe({ root, gpu: '2' }));
    expect(err.code).toBe('unknown-gpu');
    expect(err.message).toContain('0 (5b1c3a2f1e0d9c8b), 1 (amd-card2)');
  });

  it('reports processMiB null when this process has no DRM client', () => {
    standardTree();
    expect(openSysfsProbe({ root, pid: 4194401 }).sample(0).processMiB).toBeNull();
  });

  it('finds new processes at the next scan, but its own new fds at once', () => {
    standardTree();
    const probe = openSysfsProbe({ root, pid: 100, processScanMs: 10_000 });
    expect(probe.sample(0).processMiB).toBe(150);
    proc(600, 'late', { 3: ['/dev/dri/renderD128', amdClient('20', '10 MiB')] });
    symlinkSync('/dev/dri/renderD128', join(root, 'proc/100/fd/6'));
    put('proc/100/fdinfo/6', amdClient('21', '25 MiB'));
    const soon = probe.sample(1000);
    expect(soon.processMiB).toBe(175);
    expect(soon.topProcesses.map((p) => p.pid)).toEqual([200, 100]);
    const later = probe.sample(10_000);
    expect(later.topProcesses.map((p) => p.pid)).toEqual([200, 100, 600]);
  });

  it('re-reads usage of known clients at every sample', () => {
    standardTree();
    const probe = openSysfsProbe({ root, processScanMs: 60_000 });
    expect(probe.sample(0).topProcesses[0]).toMatchObject({ pid: 200, usedMiB: 300 });
    put('proc/200/fdinfo/7', amdClient('9', '400 MiB'));
    put('sys/class/drm/card0/device/mem_info_vram_used', `${2 * GIB}\n`);
    const s = probe.sample(2000);
    expect(s.topProcesses[0]).toMatchObject({ pid: 200, usedMiB: 400 });
    expect(s.usedMiB).toBe(2048);
  });

  it('reports a reading that fails mid-run as query-failed', () => {
    standardTree();
    const probe = openSysfsProbe({ root });
    probe.sample(0);
    unlinkSync(join(root, 'sys/class/drm/card0/device/mem_info_vram_used'));
    const err = probeError(() => probe.sample(1));
    expect(err.code).toBe('query-failed');
    expect(err.message).toContain('mem_info_vram_used');
  });

  it('reports library-missing without /sys/class/drm and no-device without an AMD card', () => {
    expect(probeError(() => openSysfsProbe({ root })).code).toBe('library-missing');
    card(1, { vendor: '0x8086', mem_info_vram_total: GIB, mem_info_vram_used: 0 });
    card(3, { vendor: '0x1002' }); // amdgpu without VRAM files (e.g. another driver bound)
    const err = probeError(() => openSysfsProbe({ root }));
    expect(err.code).toBe('no-device');
  });
});
