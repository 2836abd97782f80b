import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProbeError, type GpuProbe } from '../../../electron/engine/memory/probes/gpuProbe';
import { openNvmlProbe } from '../../../electron/engine/memory/probes/nvmlProbe';
import { createStubHarness, MIB, type NvmlStubHarness, type StubCounters } from './nvmlStubHarness';

// Every memory field has its own value (total above 2^32 bytes, free fractional in MiB) so a reader that
// uses a wrong offset or drops the high word gets a different figure.
const TOTAL = 8000 * MIB;
const RESERVED = 333 * MIB;
const FREE = 5000.5 * MIB;
const USED_V2 = TOTAL - RESERVED - FREE;
const MEMORY = { 'dev0.total': TOTAL, 'dev0.reserved': RESERVED, 'dev0.free': FREE, 'dev0.used': USED_V2 };
// Above the largest pid_max Linux allows, so these never name a live process.
const GHOST = [4194401, 4194402, 4194403];
const ownName = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();

let stub: NvmlStubHarness;
let counters: StubCounters;
const opened: GpuProbe[] = [];

function open(sel: Parameters<typeof openNvmlProbe>[0] = {}): GpuProbe {
  const probe = openNvmlProbe({ libraryPath: stub.libPath, ...sel });
  opened.push(probe);
  return probe;
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
  counters = stub.counters(stub.libPath);
});

// A failed assertion must not leave NVML initialised for the next test (close() is idempotent).
afterEach(() => {
  for (const probe of opened.splice(0)) probe.close();
});

afterAll(() => {
  stub.dispose();
});

describe('NVML probe: memory', () => {
  it('reads the v2 struct field by field and sends the exact struct version', () => {
    stub.configure(MEMORY);
    const probe = open();
    const s = probe.sample(1234);
    // The stub answers 13 to any other version, which would have dropped us to v1 (reservedMiB null).
    expect(s).toMatchObject({ atMs: 1234, totalMiB: 8000, freeMiB: 5000.5, reservedMiB: 333 });
    expect(s.usedMiB).toBeCloseTo(2999.5, 9);
    expect(s.gpu).toEqual({
      index: 0,
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      name: 'Stub GPU 0',
      vendor: 'nvidia',
    });
    expect(probe.device).toMatchObject({ index: 0, totalMiB: 8000, vendor: 'nvidia' });
    probe.close();
  });

  it.each([
    [13, 'FUNCTION_NOT_FOUND'],
    [25, 'ARGUMENT_VERSION_MISMATCH'],
    [3, 'NOT_SUPPORTED'],
  ])('falls back to v1 once when v2 returns %i (%s)', (rc) => {
    stub.configure({ ...MEMORY, mem_v2_rc: rc });
    const v2Before = counters.calls('nvmlDeviceGetMemoryInfo_v2');
    const v1Before = counters.calls('nvmlDeviceGetMemoryInfo');
    const probe = open();
    for (let t = 0; t < 3; t++) {
      const s = probe.sample(t);
      expect(s).toMatchObject({ totalMiB: 8000, freeMiB: 5000.5, reservedMiB: null });
      expect(s.usedMiB).toBeCloseTo(2999.5, 9);
    }
    expect(counters.calls('nvmlDeviceGetMemoryInfo_v2') - v2Before).toBe(1);
    expect(counters.calls('nvmlDeviceGetMemoryInfo') - v1Before).toBe(4); // open + 3 samples
    probe.close();
  });

  it('uses v1 and the _v2 process lists on a driver without the newer symbols', () => {
    stub.configure({ ...MEMORY, 'dev0.compute': `${GHOST[0]}:${64 * MIB}` });
    const legacy = stub.counters(stub.legacyLibPath);
    const probe = open({ libraryPath: stub.legacyLibPath });
    const s = probe.sample(0);
    expect(s).toMatchObject({ totalMiB: 8000, freeMiB: 5000.5, reservedMiB: null });
    expect(s.topProcesses).toEqual([{ pid: GHOST[0], name: `pid ${GHOST[0]}`, usedMiB: 64 }]);
    expect(legacy.calls('nvmlDeviceGetComputeRunningProcesses_v2')).toBeGreaterThan(0);
    probe.close();
    expect(legacy.initRefs()).toBe(0);
  });

  it('reports a reading that fails mid-run as query-failed, naming the call and the NVML error', () => {
    // One memory call at open, one for the first sample, then the GPU "falls off the bus".
    stub.configure({ ...MEMORY, 'dev0.mem_fail_after': 2, 'dev0.mem_fail_rc': 15 });
    const probe = open();
    expect(probe.sample(0).totalMiB).toBe(8000);
    const err = probeError(() => probe.sample(1));
    expect(err.code).toBe('query-failed');
    expect(err.message).toContain('nvmlDeviceGetMemoryInfo_v2');
    expect(err.message).toContain('GPU is lost');
    probe.close();
  });
});

describe('NVML probe: processes', () => {
  it('merges the compute and graphics lists by pid (max, not sum), largest first, with names', () => {
    const [a, b, c] = GHOST;
    stub.configure({
      ...MEMORY,
      'dev0.compute': `${process.pid}:${100 * MIB},${a}:${300 * MIB},${b}:na`,
      'dev0.graphics': `${process.pid}:${100 * MIB},${a}:${250 * MIB},${c}:${50 * MIB}`,
    });
    const probe = open();
    const s = probe.sample(0);
    expect(s.topProcesses).toEqual([
      { pid: a, name: `pid ${a}`, usedMiB: 300 },
      { pid: process.pid, name: ownName, usedMiB: 100 },
      { pid: c, name: `pid ${c}`, usedMiB: 50 },
      { pid: b, name: `pid ${b}`, usedMiB: null },
    ]);
    expect(s.processMiB).toBe(100);
    probe.close();
  });

  it('reports processMiB for the selected pid, and null where NVML has no figure', () => {
    const [a, b] = GHOST;
    stub.configure({ ...MEMORY, 'dev0.compute': `${a}:${12.5 * MIB},${b}:na` });
    const forA = open({ pid: a });
    expect(forA.sample(0).processMiB).toBe(12.5);
    forA.close();
    const forB = open({ pid: b });
    expect(forB.sample(0).processMiB).toBeNull();
    forB.close();
    const forSelf = open();
    expect(forSelf.sample(0).processMiB).toBeNull(); // not on the GPU at all
    forSelf.close();
  });

  it('grows the buffer to the count NVML asks for and keeps it', () => {
    const many = Array.from({ length: 40 }, (_, i) => `${4194400 + i}:${(i + 1) * MIB}`).join(',');
    stub.configure({ ...MEMORY, 'dev0.compute': many });
    const probe = open();
    const before = counters.calls('nvmlDeviceGetComputeRunningProcesses_v3');
    const first = probe.sample(0);
    expect(first.topProcesses).toHaveLength(40);
    expect(first.topProcesses[0]).toMatchObject({ pid: 4194439, usedMiB: 40 });
    expect(first.topProcesses[39]).toMatchObject({ pid: 4194400, usedMiB: 1 });
    expect(counters.calls('nvmlDeviceGetComputeRunningProcesses_v3') - before).toBe(2); // 7, then success
    probe.sample(1);
    expect(counters.calls('nvmlDeviceGetComputeRunningProcesses_v3') - before).toBe(3); // big enough now
    probe.close();
  });

  it('retries when a process appears between the two calls', () => {
    stub.configure({ ...MEMORY, proc_race: 1, 'dev0.graphics': `${GHOST[0]}:${MIB}` });
    const probe = open();
    const before = counters.calls('nvmlDeviceGetGraphicsRunningProcesses_v3');
    expect(probe.sample(0).topProcesses).toHaveLength(1);
    expect(counters.calls('nvmlDeviceGetGraphicsRunningProcesses_v3') - before).toBe(2);
    probe.close();
  });

  it('gives up after a bounded number of "insufficient size" answers', () => {
    stub.configure({ ...MEMORY, proc_always7: 1, 'dev0.compute': `${GHOST[0]}:${MIB}` });
    const probe = open();
    const before = counters.calls('nvmlDeviceGetComputeRunningProcesses_v3');
    const err = probeError(() => probe.sample(0));
    expect(err.code).toBe('query-failed');
    expect(err.message).toMatch(/nvmlDeviceGetComputeRunningProcesses_v3 failed: Insufficient Size/);
    expect(counters.calls('nvmlDeviceGetComputeRunningProcesses_v3') - before).toBe(4);
    probe.close();
  });

  it('drops the process lists for good when the driver does not support them', () => {
    stub.configure({ ...MEMORY, 'dev0.proc_rc': 3, 'dev0.compute': `${process.pid}:${MIB}` });
    const probe = open();
    const before = counters.calls('nvmlDeviceGetComputeRunningProcesses_v3');
    const s = probe.sample(0);
    expect(s.topProcesses).toEqual([]);
    expect(s.processMiB).toBeNull();
    expect(s.totalMiB).toBe(8000);
    probe.sample(1);
    expect(counters.calls('nvmlDeviceGetComputeRunningProcesses_v3') - before).toBe(1);
    probe.close();
  });

  it('fails a sample when a process list fails otherwise', () => {
    stub.configure({ ...MEMORY, 'dev0.proc_rc': 15 });
    const probe = open();
    const err = probeError(() => probe.sample(0));
    expect(err.code).toBe('query-failed');
    expect(err.message).toContain('nvmlDeviceGetComputeRunningProcesses_v3 failed: GPU is lost');
    probe.close();
  });
});

describe('NVML probe: devices', () => {
  const THREE = {
    count: 3,
    'dev1.name': 'Stub A100',
    'dev1.uuid': 'GPU-aaaaaaaa-1111-2222-3333-444444444444',
    'dev1.total': 40960 * MIB,
    'dev1.free': 40000 * MIB,
    'dev2.name': 'Stub L4',
    'dev2.uuid': 'GPU-bbbbbbbb-1111-2222-3333-444444444444',
    'dev2.total': 23034 * MIB,
    'dev2.free': 20000 * MIB,
  };

  it('lists every GPU and selects one by index', () => {
    stub.configure(THREE);
    const probe = open({ gpu: '2' });
    expect(probe.devices().map((d) => [d.index, d.name, d.totalMiB])).toEqual([
      [0, 'Stub GPU 0', 8192],
      [1, 'Stub A100', 40960],
      [2, 'Stub L4', 23034],
    ]);
    const s = probe.sample(0);
    expect(s.gpu).toMatchObject({
      index: 2,
      name: 'Stub L4',
      uuid: 'GPU-bbbbbbbb-1111-2222-3333-444444444444',
    });
    expect(s).toMatchObject({ totalMiB: 23034, freeMiB: 20000, usedMiB: 3034 });
    probe.close();
  });

  it('selects a GPU by UUID, ignoring case', () => {
    stub.configure(THREE);
    const probe = open({ gpu: 'gpu-AAAAAAAA-1111-2222-3333-444444444444' });
    expect(probe.device).toMatchObject({ index: 1, name: 'Stub A100' });
    expect(probe.sample(0).totalMiB).toBe(40960);
    probe.close();
  });

  it.each(['5', 'GPU-nope'])('rejects unknown GPU %s, listing what exists, and shuts NVML down', (gpu) => {
    stub.configure(THREE);
    const err = probeError(() => open({ gpu }));
    expect(err.code).toBe('unknown-gpu');
    expect(err.message).toContain(`"${gpu}"`);
    expect(err.message).toContain('0 (GPU-00000000-0000-0000-0000-000000000000)');
    expect(err.message).toContain('2 (GPU-bbbbbbbb-1111-2222-3333-444444444444)');
    expect(counters.initRefs()).toBe(0);
  });

  it('reports no-device when the driver sees no GPU', () => {
    stub.configure({ count: 0 });
    const err = probeError(() => open());
    expect(err.code).toBe('no-device');
    expect(counters.initRefs()).toBe(0);
  });
});

describe('NVML probe: lifecycle', () => {
  it('reports init failure with NVML error string', () => {
    stub.configure({ init_rc: 9 });
    const err = probeError(() => open());
    expect(err.code).toBe('init-failed');
    expect(err.message).toBe('nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)');
  });

  it('reports a library that cannot be loaded as library-missing', () => {
    const err = probeError(() => open({ libraryPath: `${stub.dir}/absent/libnvidia-ml.so.1` }));
    expect(err.code).toBe('library-missing');
    expect(err.message).toMatch(/^NVIDIA driver library .*libnvidia-ml\.so\.1 not found \(.+\)$/);
  });

  it('shuts NVML down exactly once, however often close() is called', () => {
    stub.configure(MEMORY);
    const before = counters.calls('nvmlShutdown');
    const probe = open();
    expect(counters.initRefs()).toBe(1);
    probe.close();
    probe.close();
    expect(counters.calls('nvmlShutdown') - before).toBe(1);
    expect(counters.initRefs()).toBe(0);
    expect(probeError(() => probe.sample(0)).code).toBe('query-failed');
  });

  it('re-reads the stub configuration at each open', () => {
    stub.configure({ 'dev0.total': 1000 * MIB, 'dev0.free': 900 * MIB });
    const a = open();
    expect(a.sample(0).totalMiB).toBe(1000);
    a.close();
    stub.configure({ 'dev0.total': 2000 * MIB, 'dev0.free': 900 * MIB });
    const b = open();
    expect(b.sample(0).totalMiB).toBe(2000);
    b.close();
  });
});

describe('NVML probe: several GPUs', () => {
  const TWO = {
    count: 2,
    ...MEMORY,
    'dev1.total': 24000 * MIB,
    'dev1.reserved': 0,
    'dev1.free': 1000 * MIB,
    'dev1.used': 23000 * MIB,
    'dev1.compute': `${process.pid}:${700 * MIB}`,
  };

  it('"auto" watches every device and reads each at every tick, with its own figures and processes', () => {
    stub.configure(TWO);
    const probe = open({ gpu: 'auto' });
    expect(probe.watched.map((d) => d.index)).toEqual([0, 1]);
    const [first, second, ...rest] = probe.sampleAll(5);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      atMs: 5,
      gpu: { index: 0, name: 'Stub GPU 0' },
      totalMiB: 8000,
      processMiB: null,
    });
    expect(second).toMatchObject({
      atMs: 5,
      gpu: { index: 1, name: 'Stub GPU 1' },
      totalMiB: 24000,
      freeMiB: 1000,
    });
    expect(second?.processMiB).toBe(700);
  });

  it('a pinned GPU (index or UUID) is the only one watched', () => {
    stub.configure(TWO);
    expect(
      open({ gpu: '1' })
        .sampleAll(0)
        .map((s) => s.gpu.index),
    ).toEqual([1]);
    const byUuid = open({ gpu: 'GPU-00000000-0000-0000-0000-000000000001' });
    expect(byUuid.watched.map((d) => d.index)).toEqual([1]);
    expect(byUuid.sample(0).gpu.index).toBe(1);
  });
});
