/**
 * The engine's SessionFactory: each onnxruntime session lives in its own worker thread (sessionWorker.ts), so
 * creating one — parsing and optimising the model, seconds for a large one — never holds the engine's event
 * loop (requests, audio, level events). Runs cross as tensors; errors come back with ORT's own message, so
 * GPU errors are classified exactly as in-process ones.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/startWorker';
import type { GpuEp } from './executionProviders';
import { sessionTarget, type OrtSessionFactoryOptions } from './ortSessionFactory';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory, SessionHandle } from './session';
import {
  fromWire,
  toWire,
  type FromSessionWorker,
  type SessionWorkerData,
  type ToSessionWorker,
} from './sessionWorkerProtocol';

const SESSION_WORKER = new URL(
  `./sessionWorker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

export function createWorkerSessionFactory(opts: OrtSessionFactoryOptions): SessionFactory {
  return {
    async create(model: ModelSpec, device: Device): Promise<SessionHandle> {
      const { ep, path } = sessionTarget(model, device, opts.gpuEp);
      const data: SessionWorkerData = {
        modelId: model.id,
        path,
        ep,
        cpuThreads: opts.cpuThreads ?? null,
      };
      const worker = startWorker(SESSION_WORKER, { ...data });
      try {
        await created(worker, model.id);
      } catch (error) {
        await worker.terminate();
        throw error;
      }
      return new WorkerSessionHandle(worker, device, ep, model.id);
    },
  };
}

function created(worker: Worker, modelId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromSessionWorker) => {
      if (m.type === 'ready') done(null);
      else if (m.type === 'create-failed') done(new Error(m.message));
    };
    const onError = (e: Error) => done(e);
    const onExit = (code: number) =>
      done(new Error(`the session worker for ${modelId} exited (${code}) while loading`));
    const done = (error: Error | null) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}

interface Pending {
  resolve: (o: Outputs) => void;
  reject: (e: Error) => void;
}

class WorkerSessionHandle implements SessionHandle {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private released: Promise<void> | null = null;
  private stopped: string | null = null;

  constructor(
    private readonly worker: Worker,
    readonly device: Device,
    readonly ep: GpuEp | 'cpu',
    private readonly modelId: string,
  ) {
    worker.on('message', (m: FromSessionWorker) => this.receive(m));
    worker.on('error', (e) => this.fail(`the session worker for ${modelId} failed: ${e.message}`));
    worker.on('exit', (code) => this.fail(`the session worker for ${modelId} exited (${code})`));
  }

  run(feeds: Feeds): Promise<Outputs> {
    if (this.released) {
      return Promise.reject(
        new Error(`session for model ${this.modelId} on ${this.ep} was released; create a new one to run it`),
      );
    }
    if (this.stopped) return Promise.reject(new Error(this.stopped));
    const id = this.nextId++;
    return new Promise<Outputs>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'run', id, feeds: toWire(feeds) });
    });
  }

  /** Runs already sent finish first (the worker waits for them), then the session and the thread go. */
  release(): Promise<void> {
    this.released ??= this.dispose();
    return this.released;
  }

  private async dispose(): Promise<void> {
    if (this.stopped === null) {
      const gone = new Promise<void>((resolve) => {
        this.worker.on('message', (m: FromSessionWorker) => m.type === 'released' && resolve());
        this.worker.once('exit', () => resolve());
      });
      this.post({ type: 'release' });
      await gone;
    }
    await this.worker.terminate();
  }

  private receive(m: FromSessionWorker): void {
    if (m.type !== 'result' && m.type !== 'run-failed') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(fromWire(m.outputs));
    else p.reject(new Error(m.message));
  }

  private fail(reason: string): void {
    this.stopped ??= reason;
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  private post(m: ToSessionWorker): void {
    this.worker.postMessage(m);
  }
}
