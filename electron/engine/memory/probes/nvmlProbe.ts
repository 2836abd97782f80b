// NVIDIA GPU memory through NVML, called in-process via koffi: a reading costs microseconds where spawning
// nvidia-smi costs ~20 ms (FACTS.md). Buffers are allocated once and reused, because this runs every tick.
import { readFileSync } from 'node:fs';
import koffi, { type LibraryHandle } from 'koffi';
import { BYTES_PER_MIB, type GpuProcessMemory, type GpuSample } from '../../../../shared/gpuSample';
import {
  ProbeError,
  ProcessNames,
  selectWatched,
  type GpuDeviceInfo,
  type GpuProbe,
  type ProbeSelection,
} from './gpuProbe';

const NVML_SUCCESS = 0;
const NVML_ERROR_NOT_SUPPORTED = 3;
const NVML_ERROR_INSUFFICIENT_SIZE = 7;
/** What nvmlDeviceGetMemoryInfo_v2 answers on drivers that cannot fill our struct version (13 was measured). */
const V2_UNUSABLE = new Set([
  NVML_ERROR_NOT_SUPPORTED,
  13 /* FUNCTION_NOT_FOUND */,
  25 /* VERSION_MISMATCH */,
]);
/** Bounds the grow-and-retry loop when processes keep appearing between the two calls. */
const PROCESS_LIST_ATTEMPTS = 4;
const PROCESS_LIST_MAX_ENTRIES = 4096;
const STRING_BUFFER_BYTES = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE, also enough for a UUID

// Layouts from nvml.h; offsets come from koffi so the platform's C alignment rules apply.
const MemoryV2 = koffi.struct({
  version: 'uint32',
  total: 'uint64',
  reserved: 'uint64',
  free: 'uint64',
  used: 'uint64',
});
const MemoryV1 = koffi.struct({ total: 'uint64', free: 'uint64', used: 'uint64' });
const ProcessInfo = koffi.struct({
  pid: 'uint32',
  usedGpuMemory: 'uint64',
  gpuInstanceId: 'uint32',
  computeInstanceId: 'uint32',
});
const DeviceHandle = koffi.pointer(koffi.opaque());

const MEMORY_V2_SIZE = koffi.sizeof(MemoryV2);
const MEMORY_V2_VERSION = (MEMORY_V2_SIZE | (2 << 24)) >>> 0;
const V2_OFFSETS = {
  total: koffi.offsetof(MemoryV2, 'total'),
  reserved: koffi.offsetof(MemoryV2, 'reserved'),
  free: koffi.offsetof(MemoryV2, 'free'),
};
const V1_OFFSETS = { total: koffi.offsetof(MemoryV1, 'total'), free: koffi.offsetof(MemoryV1, 'free') };
const PROCESS_INFO_SIZE = koffi.sizeof(ProcessInfo);
const PID_OFFSET = koffi.offsetof(ProcessInfo, 'pid');
const USED_OFFSET = koffi.offsetof(ProcessInfo, 'usedGpuMemory');

/** A koffi type: a name, a type object or a direction marker. */
type ArgType = Parameters<typeof koffi.sizeof>[0];
/** An nvmlDevice_t as koffi hands it back (an opaque external). */
type Handle = unknown;
type DeviceCall = (device: Handle, out: Buffer) => number;
type StringCall = (device: Handle, out: Buffer, length: number) => number;
type ProcessCall = (device: Handle, count: Buffer, infos: Buffer) => number;

interface NvmlApi {
  init: () => number;
  shutdown: () => number;
  errorString: (rc: number) => string;
  getCount: (count: Buffer) => number;
  getHandle: (index: number, out: Handle[]) => number;
  getName: StringCall;
  getUuid: StringCall;
  memoryV2: DeviceCall | null;
  memoryV1: DeviceCall;
  compute: NamedCall<ProcessCall> | null;
  graphics: NamedCall<ProcessCall> | null;
}

interface NamedCall<F> {
  name: string;
  fn: F;
}

export interface NvmlProbeOptions extends ProbeSelection {
  /** Path or name of the NVML library; default libnvidia-ml.so.1 (Linux) or nvml.dll (Windows). */
  libraryPath?: string | undefined;
}

function defaultLibraries(): string[] {
  if (process.platform !== 'win32') return ['libnvidia-ml.so.1'];
  // Current drivers put nvml.dll in System32; older ones only under NVSMI.
  const programFiles = process.env['ProgramFiles'] ?? 'C:\\Program Files';
  return ['nvml.dll', `${programFiles}\\NVIDIA Corporation\\NVSMI\\nvml.dll`];
}

function loadLibrary(candidates: string[]): LibraryHandle {
  let firstError = '';
  for (const candidate of candidates) {
    try {
      return koffi.load(candidate);
    } catch (err) {
      firstError ||= err instanceof Error ? err.message : String(err);
    }
  }
  const name = candidates[0] ?? 'libnvidia-ml';
  throw new ProbeError('library-missing', `NVIDIA driver library ${name} not found (${firstError})`);
}

/** A bound C function as koffi returns it; the NvmlApi fields give each one its real signature. */
type Bound = ReturnType<LibraryHandle['func']>;

function optionalFunc(lib: LibraryHandle, name: string, result: string, args: ArgType[]): Bound | null {
  try {
    return lib.func(name, result, args);
  } catch {
    return null; // koffi throws when the symbol is absent: an older driver
  }
}

function bind(lib: LibraryHandle, libraryName: string): NvmlApi {
  const required = (name: string, result: string, args: ArgType[]): Bound => {
    const fn = optionalFunc(lib, name, result, args);
    if (!fn)
      throw new ProbeError('init-failed', `${libraryName} lacks ${name}; the NVIDIA driver is too old`);
    return fn;
  };
  const processCall = (name: string): NamedCall<ProcessCall> | null => {
    const fn = optionalFunc(lib, name, 'int', [DeviceHandle, 'void *', 'void *']);
    return fn ? { name, fn } : null;
  };
  return {
    init: required('nvmlInit_v2', 'int', []),
    shutdown: required('nvmlShutdown', 'int', []),
    errorString: required('nvmlErrorString', 'str', ['int']),
    getCount: required('nvmlDeviceGetCount_v2', 'int', ['void *']),
    getHandle: required('nvmlDeviceGetHandleByIndex_v2', 'int', [
      'uint32',
      koffi.out(koffi.pointer(DeviceHandle)),
    ]),
    getName: required('nvmlDeviceGetName', 'int', [DeviceHandle, 'void *', 'uint32']),
    getUuid: required('nvmlDeviceGetUUID', 'int', [DeviceHandle, 'void *', 'uint32']),
    memoryV2: optionalFunc(lib, 'nvmlDeviceGetMemoryInfo_v2', 'int', [DeviceHandle, 'void *']),
    memoryV1: required('nvmlDeviceGetMemoryInfo', 'int', [DeviceHandle, 'void *']),
    // The _v2 process lists use the same 4-field struct as _v3; drivers before 510 have only _v2.
    compute:
      processCall('nvmlDeviceGetComputeRunningProcesses_v3') ??
      processCall('nvmlDeviceGetComputeRunningProcesses_v2'),
    graphics:
      processCall('nvmlDeviceGetGraphicsRunningProcesses_v3') ??
      processCall('nvmlDeviceGetGraphicsRunningProcesses_v2'),
  };
}

/** A 64-bit little-endian count of bytes, or null for NVML's "not available" (all bits set). */
function readBytes(buf: Buffer, offset: number): number | null {
  const lo = buf.readUInt32LE(offset);
  const hi = buf.readUInt32LE(offset + 4);
  if (lo === 0xffffffff && hi === 0xffffffff) return null;
  return hi * 0x1_0000_0000 + lo;
}

function toMiB(bytes: number): number {
  return bytes / BYTES_PER_MIB;
}

function readString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('utf8', 0, end < 0 ? buf.length : end);
}

/** Turns an NVML return code into the probe's error, naming the call. */
class Checker {
  constructor(private readonly api: NvmlApi) {}

  error(fn: string, rc: number): ProbeError {
    return new ProbeError('query-failed', `${fn} failed: ${this.api.errorString(rc)} (NVML error ${rc})`);
  }

  check(fn: string, rc: number): void {
    if (rc !== NVML_SUCCESS) throw this.error(fn, rc);
  }
}

interface MemoryFigures {
  totalBytes: number;
  freeBytes: number;
  reservedBytes: number | null;
}

/** Reads memory with v2 (which reports the driver's reservation) where the driver takes it, else v1. */
class MemoryReader {
  private useV2: boolean;
  private decided = false;
  private readonly buf = Buffer.alloc(Math.max(MEMORY_V2_SIZE, koffi.sizeof(MemoryV1)));
  readonly figures: MemoryFigures = { totalBytes: 0, freeBytes: 0, reservedBytes: null };

  constructor(
    private readonly api: NvmlApi,
    private readonly checker: Checker,
  ) {
    this.useV2 = api.memoryV2 !== null;
  }

  read(device: Handle): MemoryFigures {
    if (this.useV2 && this.api.memoryV2) {
      this.buf.writeUInt32LE(MEMORY_V2_VERSION, 0);
      const rc = this.api.memoryV2(device, this.buf);
      if (!this.decided && V2_UNUSABLE.has(rc)) {
        this.useV2 = false;
      } else {
        this.decided = true;
        this.checker.check('nvmlDeviceGetMemoryInfo_v2', rc);
        return this.fill(
          V2_OFFSETS.total,
          V2_OFFSETS.free,
          V2_OFFSETS.reserved,
          'nvmlDeviceGetMemoryInfo_v2',
        );
      }
    }
    this.decided = true;
    this.checker.check('nvmlDeviceGetMemoryInfo', this.api.memoryV1(device, this.buf));
    return this.fill(V1_OFFSETS.total, V1_OFFSETS.free, null, 'nvmlDeviceGetMemoryInfo');
  }

  private fill(totalAt: number, freeAt: number, reservedAt: number | null, fn: string): MemoryFigures {
    const total = readBytes(this.buf, totalAt);
    const free = readBytes(this.buf, freeAt);
    if (total === null || free === null) {
      throw new ProbeError('query-failed', `${fn} reported no value for total or free memory`);
    }
    this.figures.totalBytes = total;
    this.figures.freeBytes = free;
    this.figures.reservedBytes = reservedAt === null ? null : readBytes(this.buf, reservedAt);
    return this.figures;
  }
}

/**
 * Per-pid GPU memory from the compute and graphics lists. A Vulkan process is in both with the same figure
 * (measured), so a pid's usage is the larger of its entries, never the sum.
 */
class ProcessReader {
  private readonly lists: NamedCall<ProcessCall>[];
  private capacity = 16;
  private infos = Buffer.alloc(this.capacity * PROCESS_INFO_SIZE);
  private readonly count = Buffer.alloc(4);
  /** pid → bytes (null: not available). Reused across samples. */
  readonly usage = new Map<number, number | null>();

  constructor(
    api: NvmlApi,
    private readonly checker: Checker,
  ) {
    this.lists = [api.compute, api.graphics].filter((l): l is NamedCall<ProcessCall> => l !== null);
  }

  read(device: Handle): Map<number, number | null> {
    this.usage.clear();
    for (let i = 0; i < this.lists.length;) {
      const n = this.fetch(this.lists[i] as NamedCall<ProcessCall>, device);
      if (n === null) {
        this.lists.splice(i, 1); // decided once: the driver will not start supporting it
        continue;
      }
      this.merge(n);
      i++;
    }
    return this.usage;
  }

  /** Entries written into `infos`, or null when the driver does not support this list. */
  private fetch(list: NamedCall<ProcessCall>, device: Handle): number | null {
    for (let attempt = 1; ; attempt++) {
      this.count.writeUInt32LE(this.capacity, 0);
      const rc = list.fn(device, this.count, this.infos);
      if (rc === NVML_SUCCESS) return Math.min(this.count.readUInt32LE(0), this.capacity);
      if (rc === NVML_ERROR_NOT_SUPPORTED) return null;
      if (rc !== NVML_ERROR_INSUFFICIENT_SIZE || attempt >= PROCESS_LIST_ATTEMPTS) {
        throw this.checker.error(list.name, rc);
      }
      this.grow(this.count.readUInt32LE(0));
    }
  }

  private grow(needed: number): void {
    if (needed <= this.capacity) return; // a process came and went between calls: the same size will do
    // Headroom for processes that start before the retry.
    this.capacity = Math.min(needed + 8, PROCESS_LIST_MAX_ENTRIES);
    this.infos = Buffer.alloc(this.capacity * PROCESS_INFO_SIZE);
  }

  private merge(n: number): void {
    for (let i = 0; i < n; i++) {
      const at = i * PROCESS_INFO_SIZE;
      const pid = this.infos.readUInt32LE(at + PID_OFFSET);
      const bytes = readBytes(this.infos, at + USED_OFFSET);
      const prev = this.usage.get(pid);
      if (prev === undefined || (bytes !== null && (prev === null || bytes > prev)))
        this.usage.set(pid, bytes);
    }
  }
}

/** A process's name from /proc (Linux only; elsewhere ProcessNames says `pid N`). */
function readComm(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || null;
  } catch {
    return null; // gone already, or hidden from us
  }
}

function byUsageDesc(a: GpuProcessMemory, b: GpuProcessMemory): number {
  return (b.usedMiB ?? -1) - (a.usedMiB ?? -1);
}

interface NvmlDevice {
  info: GpuDeviceInfo;
  handle: Handle;
}

function enumerate(api: NvmlApi, checker: Checker, memory: MemoryReader): NvmlDevice[] {
  const countBuf = Buffer.alloc(4);
  checker.check('nvmlDeviceGetCount_v2', api.getCount(countBuf));
  const text = Buffer.alloc(STRING_BUFFER_BYTES);
  const devices: NvmlDevice[] = [];
  for (let index = 0; index < countBuf.readUInt32LE(0); index++) {
    const out: Handle[] = [null];
    checker.check('nvmlDeviceGetHandleByIndex_v2', api.getHandle(index, out));
    const handle = out[0];
    checker.check('nvmlDeviceGetName', api.getName(handle, text, text.length));
    const name = readString(text);
    checker.check('nvmlDeviceGetUUID', api.getUuid(handle, text, text.length));
    const uuid = readString(text);
    const totalMiB = toMiB(memory.read(handle).totalBytes);
    devices.push({ handle, info: { index, uuid, name, vendor: 'nvidia', totalMiB } });
  }
  return devices;
}

class NvmlProbe implements GpuProbe {
  readonly kind = 'nvml';
  private closed = false;
  private readonly names = new ProcessNames(readComm);

  constructor(
    private readonly api: NvmlApi,
    private readonly all: NvmlDevice[],
    private readonly selected: NvmlDevice[],
    private readonly memory: MemoryReader,
    private readonly processes: ProcessReader,
    private readonly ownPid: number,
  ) {}

  get device(): GpuDeviceInfo {
    return (this.selected[0] as NvmlDevice).info;
  }

  get watched(): GpuDeviceInfo[] {
    return this.selected.map((d) => d.info);
  }

  devices(): GpuDeviceInfo[] {
    return this.all.map((d) => d.info);
  }

  sample(nowMs: number): GpuSample {
    return this.sampleOne(this.selected[0] as NvmlDevice, nowMs, true);
  }

  sampleAll(nowMs: number): GpuSample[] {
    const samples = this.selected.map((d) => this.sampleOne(d, nowMs, false));
    this.names.keepOnly(samples.flatMap((s) => s.topProcesses.map((p) => p.pid)));
    return samples;
  }

  /** `prune`: forget the names of processes no longer on this GPU (one GPU read alone). */
  private sampleOne(device: NvmlDevice, nowMs: number, prune: boolean): GpuSample {
    if (this.closed) throw new ProbeError('query-failed', 'the NVML probe is closed');
    const mem = this.memory.read(device.handle);
    const totalMiB = toMiB(mem.totalBytes);
    const freeMiB = toMiB(mem.freeBytes);
    const reservedMiB = mem.reservedBytes === null ? null : toMiB(mem.reservedBytes);
    const usage = this.processes.read(device.handle);
    if (prune) this.names.keepOnly(usage.keys());
    const topProcesses: GpuProcessMemory[] = [];
    for (const [pid, bytes] of usage) {
      topProcesses.push({ pid, name: this.names.name(pid), usedMiB: bytes === null ? null : toMiB(bytes) });
    }
    topProcesses.sort(byUsageDesc);
    const own = usage.get(this.ownPid);
    const { index, uuid, name, vendor } = device.info;
    return {
      atMs: nowMs,
      gpu: { index, uuid, name, vendor },
      totalMiB,
      freeMiB,
      usedMiB: totalMiB - freeMiB,
      reservedMiB,
      processMiB: own === undefined || own === null ? null : toMiB(own),
      topProcesses,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api.shutdown();
  }
}

/** Open NVML and select a GPU; throws ProbeError (library-missing, init-failed, no-device, unknown-gpu, …). */
export function openNvmlProbe(sel: NvmlProbeOptions): GpuProbe {
  const candidates = sel.libraryPath !== undefined ? [sel.libraryPath] : defaultLibraries();
  const lib = loadLibrary(candidates);
  const api = bind(lib, candidates[0] ?? 'libnvidia-ml');
  const rc = api.init();
  if (rc !== NVML_SUCCESS) {
    throw new ProbeError('init-failed', `nvmlInit_v2 failed: ${api.errorString(rc)} (NVML error ${rc})`);
  }
  try {
    const checker = new Checker(api);
    const memory = new MemoryReader(api, checker);
    const all = enumerate(api, checker, memory);
    if (all.length === 0) throw new ProbeError('no-device', 'NVML reports no NVIDIA GPU');
    const infos = selectWatched(
      all.map((d) => d.info),
      sel.gpu,
    );
    const selected = all.filter((d) => infos.includes(d.info));
    return new NvmlProbe(api, all, selected, memory, new ProcessReader(api, checker), sel.pid ?? process.pid);
  } catch (err) {
    api.shutdown();
    throw err;
  }
}
