import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNvmlProbe } from '../../../electron/engine/memory/probes/nvmlProbe';
import { readNvidiaSmi } from '../../../electron/engine/memory/probes/nvidiaSmi';
import { createStubHarness, MIB, type NvmlStubHarness } from './nvmlStubHarness';

let stub: NvmlStubHarness;

beforeAll(async () => {
  stub = await createStubHarness();
  stub.configure({
    count: 2,
    'dev0.total': 8000 * MIB,
    'dev0.reserved': 333 * MIB,
    'dev0.free': 5000 * MIB,
    'dev0.used': 2667 * MIB,
    'dev1.uuid': 'GPU-aaaaaaaa-1111-2222-3333-444444444444',
    'dev1.total': 24000 * MIB,
    'dev1.reserved': 400 * MIB,
    'dev1.free': 20000 * MIB,
    'dev1.used': 3600 * MIB,
  });
});

afterAll(() => {
  stub.dispose();
});

describe('readNvidiaSmi', () => {
  it('reads the first GPU by default', async () => {
    await expect(readNvidiaSmi(undefined, stub.smiPath)).resolves.toEqual({
      totalMiB: 8000,
      usedMiB: 2667,
      freeMiB: 5000,
    });
  });

  it('passes -i for an index or a UUID', async () => {
    const expected = { totalMiB: 24000, usedMiB: 3600, freeMiB: 20000 };
    await expect(readNvidiaSmi('1', stub.smiPath)).resolves.toEqual(expected);
    await expect(readNvidiaSmi('GPU-aaaaaaaa-1111-2222-3333-444444444444', stub.smiPath)).resolves.toEqual(
      expected,
    );
  });

  it('agrees with the NVML probe on the same figures', async () => {
    const probe = openNvmlProbe({ libraryPath: stub.libPath });
    const sample = probe.sample(0);
    probe.close();
    const smi = await readNvidiaSmi('0', stub.smiPath);
    expect(smi.totalMiB).toBe(sample.totalMiB);
    expect(smi.freeMiB).toBe(sample.freeMiB);
    expect(smi.usedMiB + (sample.reservedMiB ?? 0)).toBe(sample.usedMiB);
  });

  it('rejects with what nvidia-smi said', async () => {
    await expect(readNvidiaSmi('7', stub.smiPath)).rejects.toThrow(/failed: No devices were found/);
  });

  it('rejects when the command does not exist', async () => {
    await expect(readNvidiaSmi(undefined, `${stub.dir}/no-such-smi`)).rejects.toThrow(/no-such-smi failed/);
  });
});
