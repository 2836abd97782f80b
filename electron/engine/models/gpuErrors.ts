/**
 * Classifies an error message from a GPU session so ModelHost can react: free memory or move models to the
 * CPU on 'oom', stop using the GPU until it is probed again on 'device-lost', treat 'other' as a failure of
 * this model on this provider, and 'not-gpu' as an ordinary error that moving devices would not fix.
 *
 * Matching is on the message alone (ORT hands us strings), case-insensitive, first matching rule wins:
 * device loss before out-of-memory (a lost device often also reports failed allocations), then any sign
 * that a GPU stack produced the message at all.
 */
export type GpuErrorKind = 'oom' | 'device-lost' | 'other' | 'not-gpu';

interface Rule {
  kind: Exclude<GpuErrorKind, 'not-gpu'>;
  pattern: RegExp;
  /** Where the message comes from, for whoever extends the table. */
  source: string;
}

const RULES: readonly Rule[] = [
  // Device lost or unusable.
  { kind: 'device-lost', pattern: /VK_ERROR_DEVICE_LOST/i, source: 'Vulkan (Dawn backend)' },
  {
    kind: 'device-lost',
    pattern: /\bdevice[ _-]?lost\b|\bdevice\b[^\n]{0,80}\b(?:is|was) lost\b/i,
    source: 'Dawn/WebGPU',
  },
  {
    kind: 'device-lost',
    pattern: /DXGI_ERROR_DEVICE_(?:REMOVED|HUNG|RESET)|887A000[567]/i,
    source: 'DirectML/D3D12 (DXGI device removed/hung/reset HRESULTs)',
  },
  {
    kind: 'device-lost',
    pattern: /cudaErrorDevicesUnavailable|CUDA_ERROR_DEVICE_UNAVAILABLE|busy or unavailable/i,
    source: 'CUDA (exclusive-process GPU taken, or device gone)',
  },

  // Out of memory.
  {
    kind: 'oom',
    pattern: /out[ _-]?of[ _-]?memory/i,
    source: 'CUDA "out of memory", Dawn "OutOfMemory", generic',
  },
  { kind: 'oom', pattern: /VK_ERROR_OUT_OF_(?:DEVICE|HOST)_MEMORY/i, source: 'Vulkan (Dawn backend)' },
  { kind: 'oom', pattern: /cudaErrorMemoryAllocation/i, source: 'CUDA runtime' },
  {
    kind: 'oom',
    pattern: /CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_ALLOC_FAILED|CUFFT_ALLOC_FAILED/i,
    source: 'CUDA libraries',
  },
  { kind: 'oom', pattern: /Failed to allocate memory/i, source: 'ORT BFC arena (CUDA allocator)' },
  {
    // Measured: a WebGPU run() with too little VRAM fails with this after Dawn's vkAllocateMemory failed.
    kind: 'oom',
    pattern: /WebGPU validation failed[\s\S]*Invalid Buffer/i,
    source: 'ORT WebGPU provider (buffer creation failed earlier)',
  },
  { kind: 'oom', pattern: /\bE_OUTOFMEMORY\b|0x8007000E/i, source: 'DirectML/D3D12 HRESULT' },

  // Any other error that a GPU stack produced.
  {
    kind: 'other',
    pattern: /\bCUDA\b|\bcuda(?:Error|Malloc)|CUDNN_|\bcuDNN\b|CUBLAS_|\bcuBLAS\b|TensorRT|_Cuda\b|\[cuda\]/i,
    source: 'CUDA stack / ORT CUDA or TensorRT provider',
  },
  {
    kind: 'other',
    pattern: /WebGPU|\bwgpu\b|\bDawn\b|\bVK_ERROR_|\bVulkan\b/i,
    source: 'ORT WebGPU provider / Dawn',
  },
  { kind: 'other', pattern: /DirectML|\bDML\b|\bD3D12\b|DXGI_ERROR/i, source: 'ORT DirectML provider' },
];

export function classifyGpuError(message: string): GpuErrorKind {
  for (const rule of RULES) if (rule.pattern.test(message)) return rule.kind;
  return 'not-gpu';
}
