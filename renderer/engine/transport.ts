import type { Port } from '../../shared/port';

/** One live connection to the engine. */
export interface Link {
  port: Port;
  /** Resolves with the reason once the link is gone (socket closed, port replaced). */
  closed: Promise<string>;
  close(): void;
}

/** A way to reach the engine: the Electron preload's MessagePort or the browser harness's WebSocket. */
export interface Transport {
  readonly kind: 'electron' | 'websocket';
  /** Rejects when no link could be made this time; the connection retries with backoff. */
  connect(): Promise<Link>;
}
