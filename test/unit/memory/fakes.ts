import type { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import type {
  Device,
  Feeds,
  ModelSpec,
  Outputs,
  SessionFactory,
  SessionHandle,
} from '../../../electron/engine/models/session';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const d: Deferred<T> = {
    promise: new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    }),
    resolve: (v) => {
      d.settled = true;
      resolve(v);
    },
    reject: (e) => {
      d.settled = true;
      reject(e);
    },
    settled: false,
  };
  return d;
}

/** Let every promise chain that can move on do so (microtasks and one macrotask turn). */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A deterministic PRNG (mulberry32), so "random" interleavings are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeSession {
  serial: number;
  model: string;
  device: Device;
  running: number;
  runs: number;
  released: boolean;
  /** Runs waiting for the test to finish them (manual mode). */
  pending: Deferred<Outputs>[];
}

/**
 * A SessionFactory whose runs take as long as the test says: each run waits on a deferred the
 * test resolves. It records every breach of the session contract (a run on a released session,
 * a release under a running inference, a double release) instead of hiding it.
 */
export class ControlledFactory implements SessionFactory {
  readonly sessions: FakeSession[] = [];
  readonly violations: string[] = [];
  /** 'manual': runs wait for resolveRuns; 'instant': runs finish on the next microtask. */
  mode: 'manual' | 'instant' = 'manual';
  /** When set, create() waits for it (a slow session creation). */
  createGate: Deferred<undefined> | null = null;
  /** The next `times` create() calls on this device fail with this error. */
  failCreate: { device: Device; error: Error; times: number } | null = null;
  /** The device of every create() call, failed ones included. */
  readonly createCalls: Device[] = [];
  /** Decides whether a run fails, and with what. */
  runError: (s: FakeSession, feeds: Feeds) => Error | null = () => null;

  async create(model: ModelSpec, device: Device): Promise<SessionHandle> {
    this.createCalls.push(device);
    if (this.createGate) await this.createGate.promise;
    if (this.failCreate?.device === device && this.failCreate.times > 0) {
      this.failCreate.times--;
      throw this.failCreate.error;
    }
    const s: FakeSession = {
      serial: this.sessions.length,
      model: model.id,
      device,
      running: 0,
      runs: 0,
      released: false,
      pending: [],
    };
    this.sessions.push(s);
    return {
      device,
      ep: device === 'gpu' ? 'fake-gpu' : 'cpu',
      run: async (feeds: Feeds): Promise<Outputs> => {
        if (s.released) this.violations.push(`run on released session #${s.serial} (${s.device})`);
        s.running++;
        s.runs++;
        try {
          const error = this.runError(s, feeds);
          if (error) throw error;
          if (this.mode === 'instant') return await Promise.resolve({});
          const d = deferred<Outputs>();
          s.pending.push(d);
          return await d.promise;
        } finally {
          s.running--;
        }
      },
      release: (): Promise<void> => {
        if (s.released) this.violations.push(`session #${s.serial} released twice`);
        if (s.running > 0) this.violations.push(`session #${s.serial} released with ${s.running} running`);
        s.released = true;
        return Promise.resolve();
      },
    };
  }

  /** Finish up to `n` of a session's waiting runs (all by default), oldest first. */
  resolveRuns(s: FakeSession, n = Infinity): number {
    let done = 0;
    while (done < n) {
      const d = s.pending.shift();
      if (!d) break;
      d.resolve({});
      done++;
    }
    return done;
  }

  pendingRuns(): number {
    return this.sessions.reduce((n, s) => n + s.pending.length, 0);
  }

  live(): FakeSession[] {
    return this.sessions.filter((s) => !s.released);
  }
}

/** The simulated factory's VRAM accounting, but allocating `actualMiB` instead of the spec's size. */
export function allocatingFactory(gpu: SimulatedGpu, actualMiB: number): SessionFactory {
  return {
    create(model: ModelSpec, device: Device): Promise<SessionHandle> {
      const allocation = device === 'gpu' ? gpu.allocate(model.id, actualMiB) : null;
      let released = false;
      return Promise.resolve({
        device,
        ep: device === 'gpu' ? 'simulated-gpu' : 'cpu',
        run: () => Promise.resolve({}),
        release: () => {
          if (!released && allocation !== null) gpu.free(allocation);
          released = true;
          return Promise.resolve();
        },
      });
    },
  };
}
