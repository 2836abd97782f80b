import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_VERSION } from '../../shared/contract';
import { EngineClient } from '../../shared/engineClient';
import { engineEventSchema, type EngineEvent } from '../../shared/engineEvents';
import type { Port } from '../../shared/port';

/** The real engine entry: the same file Electron's utilityProcess.fork starts. */
export const ENGINE_ENTRY = fileURLToPath(new URL('../engine/main.ts', import.meta.url));

/** One connection of the bridge: a browser's WebSocket, or the harness's own client. */
export interface Peer {
  readonly name: string;
  /** A structured message from the engine (a response already renumbered for this peer, or an event). */
  deliver(message: unknown): void;
  /** The engine behind this peer is gone: end the connection so the client reconnects. */
  close(code: number, reason: string): void;
}

export interface TimedEvent {
  /** Date.now() when the bridge received it: tests measure UI latency from here (same clock as the page). */
  atMs: number;
  event: EngineEvent;
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
  /** The harness asked for it (stop, restart, kill); false means the engine died on its own. */
  requested: boolean;
  /** The last lines the engine wrote to stderr, so a crash says why. */
  stderrTail: string;
}

export type EngineState = 'starting' | 'ready' | 'exited' | 'stopped';

export interface BridgeOptions {
  /** Arguments for the engine entry (`--scenario FILE`, `--speech on|off`, `--probe …`). */
  args: string[];
  /** SWICTATION_HOME for the engine: settings, logs and history live there. */
  home: string;
  /** How long the engine may take to answer its first ping (it loads models first). */
  readyTimeoutMs?: number;
  /** Called with each line the engine writes to stdout/stderr (devWeb prints them; tests keep quiet). */
  onOutput?: (line: string) => void;
}

interface Route {
  peer: Peer;
  localId: number;
}

const STDERR_TAIL_LINES = 40;
/** Messages from clients that arrive while the engine is still starting wait for it, up to this many. */
const MAX_QUEUED = 2000;
const PING_EVERY_MS = 250;
/** Start-up pings use ids far above any routed request's, so their late answers are recognised and ignored. */
const PING_ID_BASE = 2 ** 40;
const KILL_AFTER_MS = 5000;

/**
 * Forks the real engine and multiplexes any number of peers onto its one IPC channel. Each peer numbers
 * its requests from 1, so request ids are rewritten to bridge-wide ids on the way in and back on the way
 * out; events go to every peer. Exits are recorded and reported; restarts happen only when asked.
 *
 * A browser page is a window, as in the app: its requests go through a window port of its own (attached with
 * `attach-port`, messages wrapped as `port-message`; electron/engine/rpc/processPort.ts), so the engine
 * applies a window's capabilities to it (shared/capabilities.ts). The harness's own client stays on the
 * trusted parent link.
 */
export class EngineBridge {
  readonly events: TimedEvent[] = [];
  readonly exits: EngineExit[] = [];
  private childProcess: ChildProcess | null = null;
  private engineState: EngineState = 'stopped';
  private readonly peers = new Set<Peer>();
  private readonly routes = new Map<number, Route>();
  private nextId = 1;
  /** Each browser peer's window-port name, and which peers have a port on the current engine process. */
  private readonly clientNames = new WeakMap<Peer, string>();
  private attached = new Set<Peer>();
  private nextClient = 1;
  private queue: { peer: Peer; message: unknown }[] = [];
  private stderrLines: string[] = [];
  private exitRequested = false;
  private readonly eventListeners = new Set<(e: TimedEvent) => void>();
  private readonly exitListeners = new Set<(e: EngineExit) => void>();
  private readonly internal: { port: Port; peer: Peer };
  private internalClient: EngineClient;
  /** Engine messages that could not be routed (a response to nobody, an invalid event): a bug signal. */
  unroutable = 0;

  constructor(private readonly opts: BridgeOptions) {
    this.internal = this.makeInternalPeer();
    this.internalClient = new EngineClient(this.internal.port);
  }

  get state(): EngineState {
    return this.engineState;
  }

  /** The current engine process (a new one after each restart). */
  get child(): ChildProcess | null {
    return this.childProcess;
  }

  /** The harness's own client (a peer like a browser tab): tests read status/settings through it. */
  get client(): EngineClient {
    return this.internalClient;
  }

  onEvent(listener: (e: TimedEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onExit(listener: (e: EngineExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Fork the engine and resolve once it answers a ping (its server is listening). */
  async start(): Promise<void> {
    if (this.engineState === 'starting' || this.engineState === 'ready') {
      throw new Error(`the engine is already ${this.engineState}`);
    }
    this.exitRequested = false;
    this.stderrLines = [];
    this.engineState = 'starting';
    const child = fork(ENGINE_ENTRY, this.opts.args, {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SWICTATION_HOME: this.opts.home },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone, as Electron's utilityProcess uses: audio arrives in the engine as Float32Array.
      serialization: 'advanced',
    });
    this.childProcess = child;
    this.pipeOutput(child);
    child.on('message', (m: unknown) => this.fromEngine(m));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    // An IPC write to a dying child raises EPIPE on the channel; the exit handler reports the death.
    child.on('error', (error) => this.output(`engine process error: ${error.message}`));
    try {
      await this.waitReady(child);
    } catch (error) {
      // A half-started engine must not linger (it would hold the scenario clock and the home folder).
      await this.kill('SIGKILL');
      throw error;
    }
  }

  /** Stop the engine (the renderer sees its socket close and reconnects) and start a fresh one. */
  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    await this.start();
  }

  /** End the engine as a crash would look (SIGKILL) or politely (SIGTERM); resolves with its exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<EngineExit | null> {
    const child = this.childProcess;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exits.at(-1) ?? null;
    this.exitRequested = true;
    const exited = new Promise<EngineExit>((resolve) => {
      const off = this.onExit((e) => {
        off();
        resolve(e);
      });
    });
    child.kill(signal);
    // A SIGTERM'd engine releases its models and exits; one that hangs is not allowed to outlive us.
    const force = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(force);
    }
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    this.engineState = 'stopped';
    this.internalClient.close('the harness stopped');
    for (const peer of [...this.peers]) peer.close(1001, 'the harness stopped');
    this.peers.clear();
  }

  /** A new connection: it receives every event from now on and may send requests. */
  attach(peer: Peer): void {
    this.peers.add(peer);
  }

  detach(peer: Peer): void {
    this.peers.delete(peer);
    const client = this.clientNames.get(peer);
    if (client !== undefined && this.attached.delete(peer) && this.childProcess?.connected) {
      this.childProcess.send({ kind: 'detach-port', client }, () => undefined);
    }
    // Responses still owed to it are dropped when they arrive (their route is gone).
    for (const [id, route] of this.routes) if (route.peer === peer) this.routes.delete(id);
    this.queue = this.queue.filter((q) => q.peer !== peer);
  }

  /** A message from a peer: requests are renumbered and forwarded; anything else goes to the engine as is. */
  fromPeer(peer: Peer, message: unknown): void {
    if (this.engineState === 'starting') {
      if (this.queue.length >= MAX_QUEUED) {
        this.refuse(peer, message, 'the engine is still starting and too many messages are waiting');
        return;
      }
      this.queue.push({ peer, message });
      return;
    }
    if (this.engineState !== 'ready') {
      this.refuse(peer, message, this.notRunningReason());
      return;
    }
    this.forward(peer, message);
  }

  /** Resolves with the first event (already seen, at or after `sinceIndex`, or to come) that matches. */
  waitForEvent(
    pred: (e: EngineEvent) => boolean,
    opts: { timeoutMs?: number; sinceIndex?: number } = {},
  ): Promise<TimedEvent> {
    const { timeoutMs = 15_000, sinceIndex = 0 } = opts;
    const seen = this.events.slice(sinceIndex).find((t) => pred(t.event));
    if (seen) return Promise.resolve(seen);
    return new Promise<TimedEvent>((resolve, reject) => {
      const off = this.onEvent((t) => {
        if (!pred(t.event)) return;
        off();
        clearTimeout(timer);
        resolve(t);
      });
      const timer = setTimeout(() => {
        off();
        const types = this.events.slice(sinceIndex).map((t) => describe(t.event));
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for an engine event; saw: ${types.join(', ')}`),
        );
      }, timeoutMs);
    });
  }

  private forward(peer: Peer, message: unknown): void {
    const child = this.childProcess;
    if (!child?.connected) {
      this.refuse(peer, message, this.notRunningReason());
      return;
    }
    const localId = requestId(message);
    let outgoing = message;
    if (localId !== null) {
      const id = this.nextId++;
      this.routes.set(id, { peer, localId });
      outgoing = { ...(message as object), id };
    }
    const undeliverable = (why: string) => {
      if (localId === null) return;
      for (const [id, route] of this.routes) {
        if (route.peer === peer && route.localId === localId) this.routes.delete(id);
      }
      peer.deliver(failure(localId, `the engine did not receive the request: ${why}`));
    };
    try {
      child.send(this.wrapForPeer(child, peer, outgoing) as object, (error) => {
        // The engine went away between the check and the write: answer now rather than never.
        if (error) undeliverable(error.message);
      });
    } catch (error) {
      // The serializer throws synchronously on what it cannot encode (a frame nested thousands of levels
      // deep overflows its stack): refuse that one message, never take the bridge down with it.
      undeliverable(error instanceof Error ? error.message : String(error));
    }
  }

  /** A browser peer's message travels in its own window port; the harness's own on the parent link. */
  private wrapForPeer(child: ChildProcess, peer: Peer, message: unknown): unknown {
    if (peer === this.internal.peer) return message;
    let client = this.clientNames.get(peer);
    if (client === undefined) this.clientNames.set(peer, (client = `window:harness-${this.nextClient++}`));
    if (!this.attached.has(peer)) {
      child.send({ kind: 'attach-port', client }, () => undefined);
      this.attached.add(peer);
    }
    return { kind: 'port-message', client, message };
  }

  /**
   * What the engine sent a peer's window port: responses are routed like any other; of events, only those
   * meant for that port alone (a protocol error) are delivered, since every broadcast also arrives on the
   * parent link and is relayed from there.
   */
  private fromWindowPort(wrapped: { client?: unknown; message?: unknown }): void {
    const inner = wrapped.message as { kind?: unknown; event?: { type?: unknown } } | undefined;
    if (inner?.kind === 'response') {
      this.fromEngine(inner);
      return;
    }
    if (inner?.kind !== 'event' || inner.event?.type !== 'protocol-error') return;
    for (const peer of this.attached) if (this.clientNames.get(peer) === wrapped.client) peer.deliver(inner);
  }

  private fromEngine(message: unknown): void {
    if (typeof message !== 'object' || message === null) {
      this.unroutable++;
      return;
    }
    const control = (message as { kind?: unknown }).kind;
    if (control === 'port-message') {
      this.fromWindowPort(message);
      return;
    }
    if (control === 'port-closed') return;
    const m = message as { kind?: unknown; id?: unknown; event?: unknown };
    if (m.kind === 'response' && typeof m.id === 'number') {
      if (m.id >= PING_ID_BASE) return;
      const route = this.routes.get(m.id);
      if (!route) {
        this.unroutable++;
        return;
      }
      this.routes.delete(m.id);
      route.peer.deliver({ ...m, id: route.localId });
      return;
    }
    if (m.kind === 'event') {
      const parsed = engineEventSchema.safeParse(m.event);
      if (parsed.success) this.recordEvent(parsed.data);
      else this.unroutable++;
      // Peers validate for themselves: relay what the engine said, not the bridge's reading of it.
      for (const peer of this.peers) peer.deliver(message);
      return;
    }
    this.unroutable++;
  }

  private recordEvent(event: EngineEvent): void {
    const timed = { atMs: Date.now(), event };
    this.events.push(timed);
    for (const l of [...this.eventListeners]) l(timed);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const timeoutMs = this.opts.readyTimeoutMs ?? 60_000;
    // An answered ping means serveEngine is listening; a message sent before that could be lost, so the
    // bridge pings repeatedly (on its own id range) and takes the first answer to any of them: a busy
    // machine may answer each one late.
    await new Promise<void>((resolve, reject) => {
      let pingId = PING_ID_BASE;
      const finish = (error: Error | null) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        clearInterval(pinger);
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (m: unknown) => {
        const r = m as { kind?: unknown; id?: unknown };
        if (r.kind === 'response' && typeof r.id === 'number' && r.id >= PING_ID_BASE) finish(null);
      };
      const onExit = () =>
        finish(new Error(`the engine exited while starting\n${this.stderrLines.join('\n')}`));
      const ping = () => {
        if (!child.connected) return;
        const request = { v: PROTOCOL_VERSION, kind: 'request', id: pingId++, method: 'ping', params: {} };
        child.send(request, () => undefined);
      };
      const pinger = setInterval(ping, PING_EVERY_MS);
      const timer = setTimeout(
        () => finish(new Error(`the engine did not answer a ping within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      ping();
    });
    if (this.childProcess !== child) return;
    this.engineState = 'ready';
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) this.forward(q.peer, q.message);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.childProcess !== child) return;
    const exit: EngineExit = {
      code,
      signal,
      atMs: Date.now(),
      requested: this.exitRequested,
      stderrTail: this.stderrLines.join('\n'),
    };
    this.exits.push(exit);
    this.engineState = 'exited';
    this.attached = new Set(); // window ports die with the engine; a new one attaches them afresh
    const reason = exit.requested ? 'the engine was stopped' : `the engine exited (${describeExit(exit)})`;
    // Requests still in flight will never be answered by this engine.
    for (const [id, route] of this.routes) {
      this.routes.delete(id);
      route.peer.deliver(failure(route.localId, reason));
    }
    for (const q of this.queue.splice(0)) this.refuse(q.peer, q.message, reason);
    // 1012 "service restart" when asked, 1011 "internal error" for a crash: the renderer reconnects either way.
    for (const peer of [...this.peers]) {
      if (peer === this.internal.peer) continue;
      peer.close(exit.requested ? 1012 : 1011, reason.slice(0, 120));
      this.peers.delete(peer);
    }
    for (const l of [...this.exitListeners]) l(exit);
  }

  private refuse(peer: Peer, message: unknown, reason: string): void {
    const id = requestId(message);
    if (id !== null) peer.deliver(failure(id, reason));
  }

  private notRunningReason(): string {
    const last = this.exits.at(-1);
    return last ? `the engine is not running (${describeExit(last)})` : 'the engine is not running';
  }

  private makeInternalPeer(): { port: Port; peer: Peer } {
    const handlers = new Set<(m: unknown) => void>();
    const peer: Peer = {
      name: 'harness',
      deliver: (m) => {
        for (const h of handlers) h(m);
      },
      close: () => undefined,
    };
    this.peers.add(peer);
    const port: Port = {
      post: (m) => this.fromPeer(peer, m),
      onMessage: (h) => {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    };
    return { port, peer };
  }

  private pipeOutput(child: ChildProcess): void {
    const take = (stream: NodeJS.ReadableStream | null, isErr: boolean) => {
      if (!stream) return;
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (isErr) {
            this.stderrLines.push(line);
            if (this.stderrLines.length > STDERR_TAIL_LINES) this.stderrLines.shift();
          }
          this.output(line);
        }
      });
    };
    take(child.stdout, false);
    take(child.stderr, true);
  }

  private output(line: string): void {
    this.opts.onOutput?.(line);
  }
}

export function describeExit(exit: Pick<EngineExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

function describe(e: EngineEvent): string {
  if (e.type === 'level') return `level ${e.from}→${e.to}`;
  if (e.type === 'placement') return `placement ${e.model}→${e.to}`;
  return e.type;
}

/** The id of a request envelope (what must be renumbered and answered), else null. */
function requestId(message: unknown): number | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as { kind?: unknown; id?: unknown };
  if (m.kind !== 'request') return null;
  return typeof m.id === 'number' && Number.isInteger(m.id) && m.id >= 0 ? m.id : null;
}

function failure(id: number, message: string) {
  return { v: PROTOCOL_VERSION, kind: 'response', id, ok: false, error: { code: 'failed', message } };
}
