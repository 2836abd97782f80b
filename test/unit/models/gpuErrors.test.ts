import { describe, expect, it } from 'vitest';
import { classifyGpuError, type GpuErrorKind } from '../../../electron/engine/models/gpuErrors';

// Real messages where we have them (FACTS.md: measured on the build and GPU machines), else the documented
// forms each stack prints. Case variants check that matching is case-insensitive.
const CASES: [message: string, kind: GpuErrorKind][] = [
  // CUDA out of memory.
  ['CUDA error: out of memory', 'oom'],
  ['CUDA failure 2: out of memory ; GPU=0 ; hostname=h ; expr=cudaMalloc((void**)&p, size);', 'oom'],
  ['CUDA_ERROR_OUT_OF_MEMORY', 'oom'],
  ['cudaErrorMemoryAllocation: out of memory', 'oom'],
  ['cudaerrormemoryallocation', 'oom'],
  ['Failed to allocate memory for requested buffer of size 1073741824', 'oom'],
  ['CUBLAS failure 3: CUBLAS_STATUS_ALLOC_FAILED ; GPU=0', 'oom'],
  ['CUDNN failure 4: CUDNN_STATUS_ALLOC_FAILED', 'oom'],
  // WebGPU / Dawn / Vulkan out of memory; the first two were measured with 698 MiB of VRAM free.
  [
    'WebGPU validation failed. [Invalid Buffer (unlabeled)] is invalid due to a previous error.\n - While calling [Queue].Submit',
    'oom',
  ],
  ['vkAllocateMemory failed with VK_ERROR_OUT_OF_DEVICE_MEMORY', 'oom'],
  ['VK_ERROR_OUT_OF_HOST_MEMORY', 'oom'],
  ['Out of memory', 'oom'],
  ['Allocation failed: OutOfMemory', 'oom'],
  ['OUT OF MEMORY', 'oom'],
  // DirectML out of memory.
  ['DML allocation failed: E_OUTOFMEMORY', 'oom'],
  ['HRESULT 0x8007000E', 'oom'],
  // Device lost.
  ['VK_ERROR_DEVICE_LOST', 'device-lost'],
  ['Device lost: the GPU stopped responding', 'device-lost'],
  ['DeviceLost', 'device-lost'],
  ['[Device "ort"] is lost.', 'device-lost'],
  ['DXGI_ERROR_DEVICE_REMOVED', 'device-lost'],
  ['The GPU device instance has been suspended (0x887A0005)', 'device-lost'],
  ['dxgi_error_device_hung', 'device-lost'],
  ['cudaErrorDevicesUnavailable: CUDA-capable device(s) is/are busy or unavailable', 'device-lost'],
  // GPU-provider errors that are neither.
  ['CUDA error: an illegal memory access was encountered', 'other'],
  ['CUDNN failure 4: CUDNN_STATUS_INTERNAL_ERROR ; GPU=0', 'other'],
  ['CUBLAS_STATUS_EXECUTION_FAILED', 'other'],
  ['OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library', 'other'],
  [
    '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters',
    'other',
  ],
  ['Failed to get a WebGPU adapter: No supported adapters', 'other'],
  ['no available backend found. ERR: [dml] backend not found.', 'other'],
  ['VK_ERROR_INITIALIZATION_FAILED', 'other'],
  // Not GPU errors at all.
  ['Session already disposed.', 'not-gpu'],
  ['Got invalid dimensions for input: x for the following indices\n index: 1 Got: 3 Expected: 4', 'not-gpu'],
  ['input x: tensor data type float64 does not match float32', 'not-gpu'],
  ['std::bad_alloc', 'not-gpu'],
  ["Load model from /nope.onnx failed:Load model /nope.onnx failed. File doesn't exist", 'not-gpu'],
  ['', 'not-gpu'],
];

describe('classifyGpuError', () => {
  it.each(CASES)('%j → %s', (message, kind) => {
    expect(classifyGpuError(message)).toBe(kind);
  });

  it('is stable across repeated calls (no stateful regex)', () => {
    for (let i = 0; i < 3; i++) expect(classifyGpuError('VK_ERROR_DEVICE_LOST')).toBe('device-lost');
  });
});
