/**
 * CUDA numbers GPUs fastest first unless told otherwise; NVML (the probe) numbers them by PCI bus. With
 * CUDA_DEVICE_ORDER=PCI_BUS_ID both orders agree, so the GPU the manager places a model on (an NVML index) is
 * the CUDA provider's `deviceId`. CUDA reads the variable when it initialises, at the first CUDA session: set it
 * before any session is created. A user's own value is replaced: any other order breaks that agreement.
 */
export function matchCudaToNvmlOrder(env: NodeJS.ProcessEnv = process.env): void {
  env['CUDA_DEVICE_ORDER'] = 'PCI_BUS_ID';
}
