import { describe, expect, it } from 'vitest';
import { describeGpuMapping } from '../../../electron/engine/models/gpuMapping';
import { sessionOptions } from '../../../electron/engine/models/sessionOptions';
import { matchCudaToNvmlOrder } from '../../../electron/engine/runtime/cudaDeviceOrder';

describe('which GPU a session uses', () => {
  it('CUDA gets the GPU index (NVML order) as its device id; the CPU and WebGPU take none', () => {
    expect(sessionOptions('cuda', undefined, 1).executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(sessionOptions('cuda', undefined).executionProviders).toEqual([{ name: 'cuda', deviceId: 0 }]);
    expect(sessionOptions('webgpu', undefined, 1).executionProviders).toEqual(['webgpu']);
    expect(sessionOptions('cpu', 2, 1)).toMatchObject({ executionProviders: ['cpu'], intraOpNumThreads: 2 });
  });

  it('the engine numbers CUDA devices by PCI bus, as NVML does, whatever the user had set', () => {
    const env: NodeJS.ProcessEnv = { CUDA_DEVICE_ORDER: 'FASTEST_FIRST' };
    matchCudaToNvmlOrder(env);
    expect(env['CUDA_DEVICE_ORDER']).toBe('PCI_BUS_ID');
  });
});

describe('doctor: the GPU provider’s device among the watched GPUs', () => {
  const gpu = (index: number) => ({
    index,
    uuid: `GPU-${index}`,
    name: `GPU ${index}`,
    vendor: 'nvidia' as const,
    totalMiB: 8000,
  });

  it('CUDA and one watched GPU are unambiguous; WebGPU with several is said to be ambiguous', () => {
    expect(describeGpuMapping('cuda', [gpu(0), gpu(1)]).ambiguous).toBe(false);
    expect(describeGpuMapping('webgpu', [gpu(1)])).toMatchObject({
      ambiguous: false,
      text: expect.stringContaining('1 (GPU 1)') as unknown,
    });
    const two = describeGpuMapping('webgpu', [gpu(0), gpu(1)]);
    expect(two.ambiguous).toBe(true);
    expect(two.text).toMatch(/^ambiguous: .*GPUs 0, 1$/);
    expect(describeGpuMapping(null, [gpu(0)]).ambiguous).toBe(false);
  });
});
