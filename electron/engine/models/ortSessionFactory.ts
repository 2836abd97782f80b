/**
 * The real SessionFactory: onnxruntime-node sessions on exactly one execution provider each.
 * ORT does not fall back between providers by itself, and ModelHost must know where a model really runs
 * to account for VRAM, so 'gpu' means the probed GPU provider alone and never silently the CPU.
 */
import * as ort from 'onnxruntime-node';
import type { GpuEp } from './executionProviders';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory, SessionHandle } from './session';

export interface OrtSessionFactoryOptions {
  /** From probeExecutionProviders(); null means this machine can only use the CPU. */
  gpuEp: GpuEp | null;
  /** intra-op threads for CPU kernels; ORT's default (one per core) when absent. */
  cpuThreads?: number;
}

export function createOrtSessionFactory(opts: OrtSessionFactoryOptions): SessionFactory {
  return {
    async create(model: ModelSpec, device: Device): Promise<SessionHandle> {
      const { ep, path } = sessionTarget(model, device, opts.gpuEp);
      const session = await ort.InferenceSession.create(path, sessionOptions(ep, opts.cpuThreads));
      return new OrtSessionHandle(session, device, ep, model.id);
    },
  };
}

/** The file and the one provider a session of `model` on `device` uses; throws when either is missing. */
export function sessionTarget(
  model: ModelSpec,
  device: Device,
  gpuEp: GpuEp | null,
): { ep: GpuEp | 'cpu'; path: string } {
  const ep = providerFor(model, device, gpuEp);
  if (model.path === undefined) {
    throw new Error(`model ${model.id} has no path: the ONNX Runtime factory loads only real model files`);
  }
  return { ep, path: model.path };
}

/** The one provider a session on `device` uses; throws when the GPU has none. */
function providerFor(model: ModelSpec, device: Device, gpuEp: GpuEp | null): GpuEp | 'cpu' {
  if (device === 'cpu') return 'cpu';
  if (gpuEp === null) {
    throw new Error(
      `no GPU execution provider available: the probe found neither cuda nor webgpu usable, so model ${model.id} can only run on the CPU`,
    );
  }
  return gpuEp;
}

export function sessionOptions(
  ep: GpuEp | 'cpu',
  cpuThreads: number | undefined,
): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
  };
  if (cpuThreads !== undefined) options.intraOpNumThreads = cpuThreads;
  return options;
}

class OrtSessionHandle implements SessionHandle {
  #session: ort.InferenceSession | null;
  #released: Promise<void> | null = null;
  // Runs already queued inside ORT would fail with "Session already disposed." if release did not wait.
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    session: ort.InferenceSession,
    readonly device: Device,
    readonly ep: GpuEp | 'cpu',
    private readonly modelId: string,
  ) {
    this.#session = session;
  }

  run(feeds: Feeds): Promise<Outputs> {
    const session = this.#session;
    if (session === null) {
      return Promise.reject(
        new Error(`session for model ${this.modelId} on ${this.ep} was released; create a new one to run it`),
      );
    }
    const pending = session.run(feeds);
    this.#inFlight.add(pending);
    const forget = (): void => {
      this.#inFlight.delete(pending);
    };
    pending.then(forget, forget);
    return pending;
  }

  release(): Promise<void> {
    this.#released ??= this.#dispose();
    return this.#released;
  }

  async #dispose(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session === null) return;
    await Promise.allSettled([...this.#inFlight]);
    await session.release();
  }
}
