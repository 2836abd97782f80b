import type { Method, ParamsOf, ResultOf } from '../../shared/contract';
import { EngineClient } from '../../shared/engineClient';
import type { ConnectionState } from '../store/connectionSlice';
import { backoffMs } from './backoff';
import type { Link, Transport } from './transport';
import { errorMessage, withTimeout } from './withTimeout';

export interface ConnectionHooks {
  onState(state: ConnectionState, detail: string | null, pid: number | null): void;
  /** A new link answered: load everything again (the engine may be a new process). Awaited before 'live'. */
  onLive(client: EngineClient, pid: number): Promise<void>;
  /** The live link is gone; the client is closed and calls fail until the next onLive. */
  onLost(reason: string): void;
}

export interface ConnectionOptions {
  /** How long a new link may take to answer its first ping (an engine still loading models answers late). */
  firstPingMs: number;
  /** The first ping is repeated this often: a bridge may drop what arrives while its engine restarts. */
  pingRetryMs: number;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** Heartbeats missed in a row before the link counts as dead. */
  missesAllowed: number;
  /** Failed attempts in a row before the state reads 'failed' (retries continue at the slow pace). */
  failAfter: number;
}

const DEFAULTS: ConnectionOptions = {
  firstPingMs: 15_000,
  pingRetryMs: 1000,
  heartbeatMs: 5000,
  heartbeatTimeoutMs: 5000,
  missesAllowed: 2,
  failAfter: 8,
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Keeps one live EngineClient: connects, confirms with a ping, watches with a heartbeat, and reconnects
 * with backoff when the link closes or the engine stops answering. Calls fail fast while not live.
 */
export class EngineConnection {
  private client: EngineClient | null = null;
  private stopped = false;
  private link: Link | null = null;
  private readonly opts: ConnectionOptions;

  constructor(
    private readonly transport: Transport,
    private readonly hooks: ConnectionHooks,
    opts: Partial<ConnectionOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.client?.close('the window closed');
    this.link?.close();
  }

  call<M extends Method>(method: M, params?: ParamsOf<M>): Promise<ResultOf<M>> {
    if (!this.client) return Promise.reject(new Error('not connected to the engine'));
    return this.client.call(method, params);
  }

  /** A method, not a field read: stop() can flip the flag while a link is awaited. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let everLive = false;
    let lastError: string | null = null;
    while (!this.isStopped()) {
      const state: ConnectionState =
        failures >= this.opts.failAfter ? 'failed' : everLive ? 'reconnecting' : 'connecting';
      this.hooks.onState(state, lastError, null);
      try {
        const reason = await this.session();
        everLive = true;
        failures = 0;
        lastError = reason;
        if (!this.isStopped()) await sleep(backoffMs(0));
      } catch (error) {
        failures++;
        lastError = errorMessage(error);
        if (!this.isStopped()) await sleep(backoffMs(failures));
      }
    }
  }

  /** One link from connect to loss; resolves with why it ended, rejects if it never went live. */
  private async session(): Promise<string> {
    const link = await this.transport.connect();
    this.link = link;
    const client = new EngineClient(link.port);
    let pid: number;
    try {
      pid = await this.firstPing(client, link);
      this.client = client;
      await this.hooks.onLive(client, pid);
    } catch (error) {
      this.client = null;
      client.close(errorMessage(error));
      link.close();
      throw error;
    }
    if (this.isStopped()) return 'stopped';
    this.hooks.onState('live', null, pid);
    let alive = true;
    const reason = await Promise.race([link.closed, this.heartbeat(client, pid, () => alive)]);
    alive = false;
    this.client = null;
    client.close(reason);
    link.close();
    this.hooks.onLost(reason);
    return reason;
  }

  /** The engine's pid from the first ping that is answered on a new link, retried until `firstPingMs`. */
  private async firstPing(client: EngineClient, link: Link): Promise<number> {
    const ended = { closed: null as string | null };
    void link.closed.then((reason) => (ended.closed = reason));
    const deadline = Date.now() + this.opts.firstPingMs;
    for (;;) {
      const started = Date.now();
      try {
        const wait = Math.max(1, Math.min(this.opts.pingRetryMs, deadline - started));
        return (await withTimeout(client.call('ping'), wait, 'the engine did not answer')).pid;
      } catch (error) {
        if (ended.closed !== null) throw new Error(ended.closed);
        if (Date.now() >= deadline || this.isStopped()) throw error;
        // A ping refused at once (not timed out) must not turn this into a busy loop.
        if (Date.now() - started < 100) await sleep(100);
      }
    }
  }

  /** Resolves only when the engine stopped answering; a new pid behind the same link triggers a resync. */
  private async heartbeat(client: EngineClient, firstPid: number, alive: () => boolean): Promise<string> {
    let pid = firstPid;
    let misses = 0;
    for (;;) {
      await sleep(this.opts.heartbeatMs);
      if (!alive() || this.isStopped()) return 'stopped';
      try {
        const pong = await withTimeout(client.call('ping'), this.opts.heartbeatTimeoutMs, 'no answer');
        misses = 0;
        if (pong.pid !== pid) {
          pid = pong.pid;
          this.hooks.onState('reconnecting', 'the engine restarted', pid);
          await this.hooks.onLive(client, pid);
          this.hooks.onState('live', null, pid);
        }
      } catch {
        if (!alive()) return 'stopped';
        if (++misses > this.opts.missesAllowed) return 'the engine stopped answering';
      }
    }
  }
}
