import type { Tensor } from 'onnxruntime-node';

/** Where a model runs. The GPU execution provider behind 'gpu' is cuda or webgpu, whichever was probed. */
export type Device = 'gpu' | 'cpu';

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

/** What ModelHost knows about a model before loading it. */
export interface ModelSpec {
  id: string;
  role: string;
  /** A real ONNX file, or absent for a simulated session. */
  path?: string | undefined;
  /** Weight size: the first VRAM estimate before one is measured. */
  sizeMiB: number;
  prefer: Device;
}

/** One loaded session on one device. Released sessions must not be run again. */
export interface SessionHandle {
  readonly device: Device;
  /** The execution provider that actually runs it: 'cpu', 'webgpu', 'cuda', or 'simulated-gpu'. */
  readonly ep: string;
  run(feeds: Feeds): Promise<Outputs>;
  release(): Promise<void>;
}

/** Creates sessions. The real one wraps onnxruntime-node; the simulator's takes simulated VRAM. */
export interface SessionFactory {
  create(model: ModelSpec, device: Device): Promise<SessionHandle>;
}
