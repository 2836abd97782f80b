/**
 * The one way the engine hosts ONNX Runtime sessions: each lane (a model on one GPU, or on the CPU) has a session
 * host, a worker thread that lives as long as the engine (sessionHostWorker.ts). Creating a session — seconds for a large
 * model, on the calling thread in onnxruntime-node — therefore never holds the engine's event loop (requests,
 * audio, level events), and releasing a GPU session never waits behind a CPU copy being built. Errors come back
 * with ORT's own message, so GPU errors are classified exactly as if the session were in-process.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../runtime/startWorker';
import type { GpuEp } from './executionProviders';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory, SessionHandle } from './session';
import {
  fromWire,
  toWire,
  type CreateRequest,
  type FromSessionHost,
  type ToSessionHost,
} from './sessionHostProtocol';
import { sessionTarget, type OrtSessionOptions } from './sessionOptions';

const HOST_ENTRY = new URL(
  `./sessionHostWorker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

export type HostedSessionFactory = SessionFactory & { close(): Promise<void> };

export function createHostedSessionFactory(opts: OrtSessionOptions): HostedSessionFactory {
  const hosts = new Map<string, SessionHost>();
  const hostFor = (key: string): SessionHost => {
    let host = hosts.get(key);
    if (!host || host.stopped) {
      host = new SessionHost(key);
      hosts.set(key, host);
    }
    return host;
  };
  return {
    async create(model: ModelSpec, device: Device, lane: Device = device, gpu = 0): Promise<SessionHandle> {
      const { ep, path } = sessionTarget(model, device, opts.gpuEp);
      // One lane per GPU: a copy being built on one GPU never waits behind the session serving on another.
      const key = lane === 'gpu' ? `${model.id}/gpu${gpu}` : `${model.id}/cpu`;
      return hostFor(key).create(
        { modelId: model.id, path, ep, cpuThreads: opts.cpuThreads ?? null, gpu },
        device,
      );
    },
    async close(): Promise<void> {
      const all = [...hosts.values()];
      hosts.clear();
      await Promise.all(all.map((h) => h.stop()));
    },
  };
}

interface Pending {
  resolve: (value: FromSessionHost) => void;
  reject: (error: Error) => void;
}

/** One worker thread and the sessions it owns. Requests are matched to replies by key. */
class SessionHost {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private nextSid = 0;
  private nextRun = 0;
  private failure: string | null = null;

  constructor(readonly lane: string) {
    this.worker = startWorker(HOST_ENTRY, {});
    // An idle host must not keep a finished CLI command alive; a host with work in flight must.
    this.worker.unref();
    this.worker.on('message', (m: FromSessionHost) => this.receive(m));
    this.worker.on('error', (e) => this.fail(`the session host for ${lane} failed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`the session host for ${lane} exited (${code})`));
  }

  get stopped(): boolean {
    return this.failure !== null;
  }

  async create(request: Omit<CreateRequest, 'type' | 'sid'>, device: Device): Promise<SessionHandle> {
    const sid = this.nextSid++;
    const reply = await this.ask(`c${sid}`, { type: 'create', sid, ...request });
    if (reply.type === 'create-failed') throw new Error(reply.message);
    return new HostedSession(this, sid, device, request.ep, request.modelId);
  }

  async run(sid: number, feeds: Feeds): Promise<Outputs> {
    const id = this.nextRun++;
    const reply = await this.ask(`r${id}`, { type: 'run', sid, id, feeds: toWire(feeds) });
    if (reply.type === 'run-failed') throw new Error(reply.message);
    if (reply.type !== 'result') throw new Error(`unexpected reply ${reply.type} from ${this.lane}`);
    return fromWire(reply.outputs);
  }

  async release(sid: number): Promise<void> {
    if (this.stopped) return; // the thread is gone, and its sessions with it
    await this.ask(`x${sid}`, { type: 'release', sid });
  }

  async stop(): Promise<void> {
    this.fail(`the session host for ${this.lane} was stopped`);
    await this.worker.terminate();
  }

  private ask(key: string, message: ToSessionHost): Promise<FromSessionHost> {
    if (this.failure !== null) return Promise.reject(new Error(this.failure));
    return new Promise((resolve, reject) => {
      this.pending.set(key, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(message);
    });
  }

  private receive(m: FromSessionHost): void {
    const key = m.type === 'result' || m.type === 'run-failed' ? `r${m.id}` : keyOf(m);
    const p = this.pending.get(key);
    if (!p) return;
    this.settle(key);
    p.resolve(m);
  }

  private settle(key: string): void {
    this.pending.delete(key);
    if (this.pending.size === 0) this.worker.unref();
  }

  private fail(reason: string): void {
    this.failure ??= reason;
    for (const [key, p] of [...this.pending]) {
      this.settle(key);
      p.reject(new Error(reason));
    }
  }
}

function keyOf(m: Exclude<FromSessionHost, { type: 'result' | 'run-failed' }>): string {
  return m.type === 'released' ? `x${m.sid}` : `c${m.sid}`;
}

class HostedSession implements SessionHandle {
  private released: Promise<void> | null = null;

  constructor(
    private readonly host: SessionHost,
    private readonly sid: number,
    readonly device: Device,
    readonly ep: GpuEp | 'cpu',
    private readonly modelId: string,
  ) {}

  run(feeds: Feeds): Promise<Outputs> {
    if (this.released) {
      return Promise.reject(
        new Error(`session for model ${this.modelId} on ${this.ep} was released; create a new one to run it`),
      );
    }
    return this.host.run(this.sid, feeds);
  }

  /** Runs already sent finish first (the host waits for them), then the session goes; the thread stays. */
  release(): Promise<void> {
    this.released ??= this.host.release(this.sid);
    return this.released;
  }
}
