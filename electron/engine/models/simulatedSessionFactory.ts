import { SimulatedGpu } from '../memory/simulatedGpu';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory, SessionHandle } from './session';

/**
 * Sessions on the simulated GPU. A model without a file is a stand-in whose runs are instant;
 * a model with a file runs for real through `real` (onnxruntime on the CPU) while its GPU
 * placement is accounted in simulated VRAM.
 */
export function createSimulatedSessionFactory(
  gpus: SimulatedGpu | readonly SimulatedGpu[],
  real: SessionFactory | null,
): SessionFactory {
  const all = gpus instanceof SimulatedGpu ? [gpus] : gpus;
  return {
    async create(model: ModelSpec, device: Device, _lane?: Device, index = 0): Promise<SessionHandle> {
      const gpu = all.find((g) => g.info.index === index);
      if (!gpu) throw new Error(`no simulated GPU ${index}`);
      // Its own lane per device (per GPU), as on a real GPU: building the CPU copy must not stall the "GPU" one.
      const inner = model.path && real ? await real.create(model, 'cpu', device, index) : null;
      const allocation = device === 'gpu' ? allocateOrRelease(gpu, model, inner) : null;
      let released = false;
      return {
        device,
        ep: device === 'gpu' ? 'simulated-gpu' : 'cpu',
        async run(feeds: Feeds): Promise<Outputs> {
          if (released) throw new Error('Session already disposed.');
          if (device === 'gpu') {
            const injected = gpu.takeInjectedError();
            if (injected !== null) throw new Error(injected);
          }
          return inner ? inner.run(feeds) : {};
        },
        async release(): Promise<void> {
          if (released) return;
          released = true;
          if (allocation !== null) gpu.free(allocation);
          await inner?.release();
        },
      };
    },
    close: async () => {
      await real?.close?.();
    },
  };
}

function allocateOrRelease(gpu: SimulatedGpu, model: ModelSpec, inner: SessionHandle | null): number {
  try {
    return gpu.allocate(model.id, model.sizeMiB);
  } catch (error) {
    void inner?.release();
    throw error;
  }
}
