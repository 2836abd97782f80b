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

/**
 * Creates sessions. The real one hosts onnxruntime-node sessions off the engine's thread (sessionHost.ts); the
 * simulator's takes simulated VRAM around it.
 */
export interface SessionFactory {
  /**
   * `lane` names the host a session lives on (default: `device`): the simulator runs its "GPU" sessions on the
   * CPU, yet they must not share a thread with the model's CPU copy, or building one would stall the other.
   * `gpu`: which GPU (its index, default 0) a 'gpu' session (or a 'gpu' lane) is for: each GPU has its own lane.
   */
  create(model: ModelSpec, device: Device, lane?: Device, gpu?: number): Promise<SessionHandle>;
  /** Stop every host (the engine is shutting down); sessions still open are released with them. */
  close?(): Promise<void>;
}
