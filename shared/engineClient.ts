import {
  PROTOCOL_VERSION,
  parseEnvelope,
  parseResult,
  type Method,
  type ParamsOf,
  type ResultOf,
} from './contract';
import type { EngineEvent } from './engineEvents';
import type { Port } from './port';

export class EngineRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

interface Pending {
  method: Method;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Talks to the engine over any Port; validates every response and event it receives. */
export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly stop: () => void;
  /** Messages dropped because they failed validation (a fuzzing or version-skew signal). */
  invalidMessages = 0;
  /** Why the client was closed; later calls fail at once with it. */
  private closed: string | null = null;

  constructor(private readonly port: Port) {
    this.stop = port.onMessage((m) => this.receive(m));
  }

  call<M extends Method>(method: M, params?: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.closed) return Promise.reject(new EngineRequestError('closed', this.closed));
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.port.post({ v: PROTOCOL_VERSION, kind: 'request', id, method, params: params ?? {} });
    });
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Fail every pending call (the engine went away) and stop listening. */
  close(reason = 'engine connection closed'): void {
    this.closed = reason;
    this.stop();
    for (const p of this.pending.values()) p.reject(new EngineRequestError('closed', reason));
    this.pending.clear();
  }

  private receive(raw: unknown): void {
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) {
      this.invalidMessages++;
      return;
    }
    const m = parsed.value;
    if (m.kind === 'event') {
      for (const l of this.listeners) l(m.event);
      return;
    }
    if (m.kind !== 'response') return;
    const pending = this.pending.get(m.id);
    if (!pending) return;
    this.pending.delete(m.id);
    if (!m.ok) {
      pending.reject(new EngineRequestError(m.error.code, m.error.message));
      return;
    }
    const result = parseResult(pending.method, m.result);
    if (result.ok) pending.resolve(result.value);
    else
      pending.reject(
        new EngineRequestError('bad-message', `invalid ${pending.method} result: ${result.error}`),
      );
  }
}
