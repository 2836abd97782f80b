import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuSample } from '../../../shared/gpuSample';
import { GpuMonitor } from '../../../electron/engine/memory/gpuMonitor';
import { buildNvmlStub } from '../../fixtures/nvml-stub/buildStub';

const MIB = 1024 * 1024;
let dir: string;
let libPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swictation-monitor-'));
  ({ libPath } = await buildNvmlStub(dir));
  const config = join(dir, 'stub.conf');
  await writeFile(
    config,
    [
      `dev0.total=${8000 * MIB}`,
      `dev0.free=${2000 * MIB}`,
      `dev0.used=${5700 * MIB}`,
      `dev0.reserved=${300 * MIB}`,
    ].join('\n'),
  );
  // The worker inherits the environment at creation.
  process.env['NVML_STUB_CONFIG'] = config;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Block this thread the way a long synchronous inference would. */
function blockMainThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('GpuMonitor on its worker thread', () => {
  it('keeps sampling at its cadence while the main thread is blocked, and delivers in order', async () => {
    const arrivals: { sample: GpuSample; arrivedAt: number }[] = [];
    const monitor = new GpuMonitor({
      onSample: (sample) => arrivals.push({ sample, arrivedAt: Date.now() }),
      onError: (message) => {
        throw new Error(`unexpected probe error: ${message}`);
      },
    });
    const ready = await monitor.start({
      probe: 'nvml',
      nvmlLibraryPath: libPath,
      pid: process.pid,
      intervalMs: 50,
    });
    expect(ready.kind).toBe('nvml');
    await new Promise((r) => setTimeout(r, 200));

    const blockStart = Date.now();
    blockMainThread(1000);
    const blockEnd = Date.now();
    await new Promise((r) => setTimeout(r, 150));
    await monitor.stop();

    // Strictly after blockStart: a reading taken in the same millisecond may have arrived just before the block.
    const during = arrivals.filter((a) => a.sample.atMs > blockStart && a.sample.atMs < blockEnd);
    // 1000 ms at 50 ms: ~20 readings; allow scheduler jitter on a busy 2-core machine.
    expect(during.length).toBeGreaterThanOrEqual(14);
    for (const a of during) expect(a.arrivedAt).toBeGreaterThanOrEqual(blockEnd - 5);
    const times = arrivals.map((a) => a.sample.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const gaps = during
      .slice(1)
      .map((a, i) => a.sample.atMs - (during[i] as { sample: GpuSample }).sample.atMs);
    // A stalled worker would show the whole 1000 ms block as one gap; jitter on a loaded CI machine stays far below it.
    expect(Math.max(...gaps)).toBeLessThan(400);
    expect(arrivals[0]?.sample.totalMiB).toBe(8000);
    expect(arrivals[0]?.sample.reservedMiB).toBe(300);
  });

  it('answers sampleNow with a fresh reading', async () => {
    const monitor = new GpuMonitor({ onSample: () => undefined, onError: () => undefined });
    await monitor.start({ probe: 'nvml', nvmlLibraryPath: libPath, pid: process.pid, intervalMs: 10_000 });
    const before = Date.now();
    const sample = await monitor.sampleNow();
    await monitor.stop();
    expect(sample?.atMs).toBeGreaterThanOrEqual(before);
    expect(sample?.freeMiB).toBe(2000);
  });

  it('rejects start with the probe error for an unknown GPU', async () => {
    const monitor = new GpuMonitor({ onSample: () => undefined, onError: () => undefined });
    await expect(
      monitor.start({ probe: 'nvml', nvmlLibraryPath: libPath, pid: process.pid, intervalMs: 100, gpu: '7' }),
    ).rejects.toThrow(/unknown GPU "7"/);
    await monitor.stop();
  });
});
