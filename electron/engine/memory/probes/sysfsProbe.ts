// AMD GPU memory on Linux from amdgpu's sysfs files, and per-process VRAM from DRM fdinfo. `root` prefixes
// every path so tests run against a fake tree.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { BYTES_PER_MIB, type GpuProcessMemory, type GpuSample } from '../../../../shared/gpuSample';
import {
  ProbeError,
  ProcessNames,
  selectWatched,
  type GpuDeviceInfo,
  type GpuProbe,
  type ProbeSelection,
} from './gpuProbe';

const AMD_VENDOR = '0x1002';
/** Finding which fds are DRM files means a readlink per fd of every process: done this often, not per tick. */
const DEFAULT_PROCESS_SCAN_MS = 10_000;

export interface SysfsProbeOptions extends ProbeSelection {
  /** Prefix for /sys and /proc (default '/'). */
  root?: string | undefined;
  /** How often to look for processes with DRM files open; their usage is re-read at every sample. */
  processScanMs?: number | undefined;
}

interface AmdCard {
  info: GpuDeviceInfo;
  deviceDir: string;
  /** PCI address, matched against fdinfo's drm-pdev so another GPU's clients are not counted. */
  pciSlot: string | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function readBytesFile(path: string): number {
  const text = readText(path);
  const value = text === null ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new ProbeError('query-failed', `cannot read ${path}`);
  return value;
}

function pciSlotOf(deviceDir: string): string | null {
  const uevent = readText(join(deviceDir, 'uevent'));
  const match = uevent?.match(/^PCI_SLOT_NAME=(.+)$/m);
  return match?.[1]?.trim().toLowerCase() ?? null;
}

function findCards(root: string): AmdCard[] {
  const drm = join(root, 'sys/class/drm');
  let entries: string[];
  try {
    entries = readdirSync(drm);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ProbeError('library-missing', `no DRM devices in sysfs (${reason})`);
  }
  const cardNumbers = entries
    .map((e) => /^card(\d+)$/.exec(e)?.[1]) // card0-DP-1 and the like are connectors
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const cards: AmdCard[] = [];
  for (const n of cardNumbers) {
    const deviceDir = join(drm, `card${n}`, 'device');
    if (readText(join(deviceDir, 'vendor'))?.toLowerCase() !== AMD_VENDOR) continue;
    if (readText(join(deviceDir, 'mem_info_vram_total')) === null) continue; // not amdgpu, or no VRAM file
    const totalMiB = readBytesFile(join(deviceDir, 'mem_info_vram_total')) / BYTES_PER_MIB;
    const name =
      readText(join(deviceDir, 'product_name')) || `AMD GPU ${readText(join(deviceDir, 'device')) ?? '?'}`;
    const uuid = readText(join(deviceDir, 'unique_id')) || `amd-card${n}`;
    const info: GpuDeviceInfo = { index: cards.length, uuid, name, vendor: 'amd', totalMiB };
    cards.push({ info, deviceDir, pciSlot: pciSlotOf(deviceDir) });
  }
  return cards;
}

/** One DRM client's VRAM as amdgpu reports it in fdinfo. */
interface DrmClient {
  clientId: string | null;
  bytes: number;
}

const UNIT_BYTES: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 * 1024, GiB: 1024 * 1024 * 1024 };

function parseFdinfo(text: string, pciSlot: string | null): DrmClient | null {
  let driver: string | null = null;
  let pdev: string | null = null;
  let clientId: string | null = null;
  let bytes: number | null = null;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'drm-driver') driver = value;
    else if (key === 'drm-pdev') pdev = value.toLowerCase();
    else if (key === 'drm-client-id') clientId = value;
    else if (key === 'drm-memory-vram') bytes = parseAmount(value);
  }
  if (bytes === null || (driver !== null && driver !== 'amdgpu')) return null;
  if (pciSlot !== null && pdev !== null && pdev !== pciSlot) return null;
  return { clientId, bytes };
}

function parseAmount(value: string): number | null {
  const match = /^(\d+)\s*(\w*)$/.exec(value);
  const unit = match ? UNIT_BYTES[match[2] ?? ''] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : null;
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return []; // another user's process, or it exited
  }
}

/** The DRM file descriptors of each process: found by a periodic scan, read at every sample. */
class DrmClients {
  private fds = new Map<number, string[]>();
  private lastScanMs = -Infinity;

  constructor(
    private readonly proc: string,
    private readonly scanMs: number,
    private readonly ownPid: number,
  ) {}

  /** pid → VRAM bytes for the card, each DRM client counted once per process. */
  usage(nowMs: number, pciSlot: string | null): Map<number, number> {
    if (nowMs - this.lastScanMs >= this.scanMs || nowMs < this.lastScanMs) this.scan(nowMs);
    else this.rescan(this.ownPid); // our own usage must not lag a model load by a whole scan period
    const usage = new Map<number, number>();
    for (const [pid, fds] of this.fds) {
      const seen = new Set<string>();
      let total = 0;
      let found = false;
      for (const fd of fds) {
        const text = readText(join(this.proc, String(pid), 'fdinfo', fd));
        const client = text === null ? null : parseFdinfo(text, pciSlot);
        if (!client) continue;
        // A dup'd or inherited fd shows the same client: its memory must not be counted twice.
        if (client.clientId !== null) {
          if (seen.has(client.clientId)) continue;
          seen.add(client.clientId);
        }
        total += client.bytes;
        found = true;
      }
      if (found) usage.set(pid, total);
    }
    return usage;
  }

  private scan(nowMs: number): void {
    this.lastScanMs = nowMs;
    this.fds = new Map();
    for (const entry of listDir(this.proc)) if (/^\d+$/.test(entry)) this.rescan(Number(entry));
  }

  private rescan(pid: number): void {
    const fdDir = join(this.proc, String(pid), 'fd');
    const drmFds = listDir(fdDir).filter((fd) => isDrmFile(join(fdDir, fd)));
    if (drmFds.length > 0) this.fds.set(pid, drmFds);
    else this.fds.delete(pid);
  }
}

function isDrmFile(fdPath: string): boolean {
  try {
    return readlinkSync(fdPath).startsWith('/dev/dri/');
  } catch {
    return false;
  }
}

class SysfsProbe implements GpuProbe {
  readonly kind = 'sysfs';
  private readonly clients: DrmClients;
  private readonly names: ProcessNames;

  constructor(
    private readonly cards: AmdCard[],
    private readonly selected: AmdCard[],
    private readonly proc: string,
    private readonly ownPid: number,
    scanMs: number,
  ) {
    this.clients = new DrmClients(proc, scanMs, ownPid);
    this.names = new ProcessNames((pid) => readText(join(proc, String(pid), 'comm')));
  }

  get device(): GpuDeviceInfo {
    return (this.selected[0] as AmdCard).info;
  }

  get watched(): GpuDeviceInfo[] {
    return this.selected.map((c) => c.info);
  }

  devices(): GpuDeviceInfo[] {
    return this.cards.map((c) => c.info);
  }

  sample(nowMs: number): GpuSample {
    const sample = this.sampleOne(this.selected[0] as AmdCard, nowMs);
    this.names.keepOnly(sample.topProcesses.map((p) => p.pid));
    return sample;
  }

  sampleAll(nowMs: number): GpuSample[] {
    const samples = this.selected.map((card) => this.sampleOne(card, nowMs));
    this.names.keepOnly(samples.flatMap((s) => s.topProcesses.map((p) => p.pid)));
    return samples;
  }

  private sampleOne(card: AmdCard, nowMs: number): GpuSample {
    const totalMiB = readBytesFile(join(card.deviceDir, 'mem_info_vram_total')) / BYTES_PER_MIB;
    const usedMiB = readBytesFile(join(card.deviceDir, 'mem_info_vram_used')) / BYTES_PER_MIB;
    const usage = this.clients.usage(nowMs, card.pciSlot);
    const topProcesses: GpuProcessMemory[] = [];
    for (const [pid, bytes] of usage)
      topProcesses.push({ pid, name: this.names.name(pid), usedMiB: bytes / BYTES_PER_MIB });
    topProcesses.sort((a, b) => (b.usedMiB ?? 0) - (a.usedMiB ?? 0));
    const own = usage.get(this.ownPid);
    const { index, uuid, name, vendor } = card.info;
    return {
      atMs: nowMs,
      gpu: { index, uuid, name, vendor },
      totalMiB,
      freeMiB: totalMiB - usedMiB,
      usedMiB,
      reservedMiB: null,
      processMiB: own === undefined ? null : own / BYTES_PER_MIB,
      topProcesses,
    };
  }

  close(): void {
    // Nothing is held open between samples.
  }
}

/** Open the AMD sysfs probe; throws ProbeError (library-missing, no-device, unknown-gpu). */
export function openSysfsProbe(sel: SysfsProbeOptions): GpuProbe {
  const root = sel.root ?? '/';
  if (sel.root === undefined && process.platform !== 'linux') {
    throw new ProbeError('library-missing', `the sysfs probe needs Linux (this is ${process.platform})`);
  }
  const cards = findCards(root);
  if (cards.length === 0) throw new ProbeError('no-device', 'no AMD GPU with mem_info_vram_total in sysfs');
  const infos = selectWatched(
    cards.map((c) => c.info),
    sel.gpu,
  );
  const selected = cards.filter((c) => infos.includes(c.info));
  return new SysfsProbe(
    cards,
    selected,
    join(root, 'proc'),
    sel.pid ?? process.pid,
    sel.processScanMs ?? DEFAULT_PROCESS_SCAN_MS,
  );
}
