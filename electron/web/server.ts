import type { ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { lookupStatic } from '../main/staticFiles';
import { PROTOCOL_VERSION } from '../../shared/contract';
import type { EngineClient } from '../../shared/engineClient';
import { validateSettings, type SettingsInput } from '../../shared/settings';
import { EngineBridge, type EngineExit, type Peer, type TimedEvent } from './bridge';
import { cspFromHtml } from './staticFiles';
import type { ViewName } from '../../shared/viewNames';

/** Where `vite build --config build/vite.renderer.config.ts` puts the renderer. */
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

/** Loopback only: the bridge drives a process that types into other windows. */
const HOST = '127.0.0.1';
/** A second of 16 kHz audio as JSON numbers is ~350 KB; leave room, refuse anything absurd. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export type ProbeName = 'auto' | 'nvml' | 'sysfs' | 'none';
/** The renderer's own list of views: a view added there can be opened here. */
export type { ViewName };

export interface HarnessOptions {
  /** A scenario file for the simulated GPU; without one the engine uses the real probe (`probe`). */
  scenario?: string;
  /** Load the speech model for dictation (off by default: memory-only tests start faster). */
  speech?: boolean;
  probe?: ProbeName;
  /** More models to offer (the engine's --catalog FILE): a mirror's catalog, a test server's. */
  catalog?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** SWICTATION_HOME for the engine; a fresh temporary folder (removed on stop) when absent. */
  home?: string;
  /**
   * Settings written to the engine's home before it starts (validated first). Tests that dictate pass
   * `{ speech: { outputMode: 'none' } }`, or the engine would type into whatever window has focus.
   */
  settings?: SettingsInput;
  /** The built renderer to serve (default out/renderer). */
  rendererDir?: string;
  onOutput?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface Harness {
  /** The page to open: the popover, with the bridge's port and token in the query. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly home: string;
  /** The policy sent as a header (the page's <meta> policy plus frame-ancestors, which <meta> cannot carry). */
  readonly csp: string;
  /** The page's own <meta> policy. */
  readonly metaCsp: string;
  /** The current engine process (a new one after restartEngine). */
  readonly engine: ChildProcess;
  readonly bridge: EngineBridge;
  /** A client of its own on the bridge, like a second window: status, settings, events. */
  readonly client: EngineClient;
  /** Every engine event with the time the bridge received it. */
  readonly events: TimedEvent[];
  readonly exits: EngineExit[];
  pageUrl(view?: ViewName): string;
  restartEngine(): Promise<void>;
  killEngine(signal?: NodeJS.Signals): Promise<EngineExit | null>;
  /** Open WebSocket connections from pages (the harness's own client not counted). */
  connections(): number;
  stop(): Promise<void>;
}

/**
 * Serve the built renderer on 127.0.0.1 and bridge its WebSocket (`/engine`) to a forked real engine.
 * A random token per start guards the bridge: an upgrade or any non-static request without it gets 401,
 * and an upgrade from another origin gets 403.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const rendererDir = path.resolve(opts.rendererDir ?? RENDERER_DIR);
  const indexFile = path.join(rendererDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(
      `${indexFile} is missing: build the renderer (npx vite build --config build/vite.renderer.config.ts)`,
    );
  }
  const metaCsp = cspFromHtml(await readFile(indexFile, 'utf8'));
  if (!metaCsp) throw new Error(`${indexFile} has no Content-Security-Policy <meta>: refusing to serve it`);
  const csp = `${metaCsp}; frame-ancestors 'none'`;
  const token = randomBytes(32).toString('base64url');
  const seeded = opts.settings === undefined ? null : validateSettings(opts.settings);
  if (seeded && !seeded.ok) throw new Error(`invalid harness settings: ${seeded.errors.join('; ')}`);
  const ownHome = opts.home === undefined;
  const home = opts.home ?? (await mkdtemp(path.join(os.tmpdir(), 'swictation-harness-')));
  if (seeded?.ok)
    await writeFile(path.join(home, 'settings.json'), `${JSON.stringify(seeded.settings, null, 2)}\n`);

  const args = ['--speech', opts.speech ? 'on' : 'off'];
  if (opts.scenario) args.push('--scenario', path.resolve(opts.scenario));
  else args.push('--probe', opts.probe ?? 'auto');
  if (opts.catalog) args.push('--catalog', path.resolve(opts.catalog));
  const bridge = new EngineBridge({
    args,
    home,
    ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    ...(opts.readyTimeoutMs ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();
  let origin = '';
  let port = 0;
  const auth = {
    hostOk: (req: IncomingMessage) =>
      req.headers.host === `${HOST}:${port}` || req.headers.host === `localhost:${port}`,
    tokenOk: (url: URL) => sameSecret(url.searchParams.get('token'), token),
    originOk: (req: IncomingMessage) => req.headers.origin === origin,
  };
  const securityHeaders = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    // The token travels in the page URL: never let it leave in a Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };

  const server = createServer((req, res) => {
    void serveHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        plain(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
      else res.destroy();
    });
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await route(req);
    if ('file' in answer) {
      res.writeHead(200, {
        ...securityHeaders,
        'Content-Type': answer.file.type,
        'Content-Length': answer.file.body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : answer.file.body);
      return;
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    plain(res, answer.status, answer.message);
  }

  type Answer =
    | { file: { type: string; body: Buffer } }
    | { status: number; message: string; headers?: Record<string, string> };

  async function route(req: IncomingMessage): Promise<Answer> {
    // A foreign Host means DNS rebinding or a proxy: nothing here is for it.
    if (!auth.hostOk(req)) return { status: 403, message: 'forbidden host' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { status: 405, message: 'method not allowed', headers: { Allow: 'GET, HEAD' } };
    }
    const url = new URL(req.url ?? '/', origin);
    const unauthorized = { status: 401, message: 'a valid token is required' };
    if (url.pathname === '/engine') {
      if (!auth.tokenOk(url)) return unauthorized;
      return {
        status: 426,
        message: 'the engine bridge speaks WebSocket only',
        headers: { Upgrade: 'websocket' },
      };
    }
    const found = await lookupStatic(rendererDir, url.pathname);
    if (found.kind === 'bad') return { status: 400, message: found.reason };
    // Only the app's own files are public; anything else needs the token before it even gets a 404.
    if (found.kind === 'missing')
      return auth.tokenOk(url) ? { status: 404, message: 'not found' } : unauthorized;
    return { file: found };
  }

  function plain(res: ServerResponse, status: number, message: string): void {
    res.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${message}\n`);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', origin);
    const refuse = (status: number, text: string, message: string) => {
      // Destroy only after the answer is flushed, or the client sees a reset instead of the status.
      socket.once('finish', () => socket.destroy());
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
      );
    };
    if (!auth.hostOk(req)) {
      refuse(403, 'Forbidden', 'forbidden host');
      return;
    }
    if (url.pathname !== '/engine') {
      refuse(404, 'Not Found', 'no WebSocket here');
      return;
    }
    if (!auth.tokenOk(url)) {
      refuse(401, 'Unauthorized', 'a valid token is required');
      return;
    }
    // Browsers always send Origin on WebSocket upgrades; another site's page must not reach the engine.
    if (!auth.originOk(req)) {
      refuse(403, 'Forbidden', 'origin not allowed');
      return;
    }
    // No engine and none starting: say so at once, so the page retries on its backoff instead of
    // holding a socket that nothing will answer. A starting engine's messages wait in the bridge.
    if (bridge.state === 'exited' || bridge.state === 'stopped') {
      refuse(503, 'Service Unavailable', 'the engine is not running');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  let nextSocket = 1;
  function connect(ws: WebSocket): void {
    sockets.add(ws);
    const peer: Peer = {
      name: `websocket#${nextSocket++}`,
      deliver: (m) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeJson(m));
      },
      close: (code, reason) => ws.close(code, reason),
    };
    ws.on('close', () => {
      sockets.delete(ws);
      bridge.detach(peer);
    });
    ws.on('error', () => undefined);
    // The engine may have died during the handshake.
    if (bridge.state === 'exited' || bridge.state === 'stopped') {
      ws.close(1011, 'the engine is not running');
      return;
    }
    bridge.attach(peer);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const message = isBinary ? undefined : decodeJson(rawText(data));
      if (message === undefined) {
        // Answer only the sender: a malformed frame from one tab is no other window's business.
        peer.deliver({
          v: PROTOCOL_VERSION,
          kind: 'event',
          event: { type: 'protocol-error', message: 'the bridge accepts JSON text frames only' },
        });
        return;
      }
      bridge.fromPeer(peer, toStructured(message));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://${HOST}:${port}`;

  const closeServer = async () => {
    for (const ws of sockets) ws.terminate();
    wss.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections (a browser's) would hold close() open until they time out.
    server.closeAllConnections();
    await closed;
  };
  try {
    await bridge.start();
  } catch (error) {
    await closeServer();
    if (ownHome) await rm(home, { recursive: true, force: true });
    throw error;
  }

  const pageUrl = (view: ViewName = 'popover') =>
    `${origin}/?ws=${port}&token=${encodeURIComponent(token)}${view === 'popover' ? '' : `#${view}`}`;
  let stopped = false;
  return {
    url: pageUrl(),
    origin,
    port,
    token,
    home,
    csp,
    metaCsp,
    get engine() {
      const child = bridge.child;
      if (!child) throw new Error('the engine has not been started');
      return child;
    },
    bridge,
    get client() {
      return bridge.client;
    },
    events: bridge.events,
    exits: bridge.exits,
    pageUrl,
    restartEngine: () => bridge.restart(),
    killEngine: (signal) => bridge.kill(signal),
    connections: () => sockets.size,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await bridge.stop();
      await closeServer();
      if (ownHome) await rm(home, { recursive: true, force: true });
    },
  };
}

/** Constant-time comparison, so the token cannot be guessed a character at a time. */
function sameSecret(given: string | null, secret: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A WebSocket frame as text, whichever of its three shapes `ws` hands over. */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Typed arrays would serialise as {"0":…}; the contract's JSON form is a plain array. */
export function encodeJson(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) =>
    ArrayBuffer.isView(value) && !(value instanceof DataView)
      ? Array.from(value as unknown as ArrayLike<number>)
      : value,
  );
}

/**
 * JSON carries audio as number arrays; the engine's own transports carry Float32Array. Convert back, so
 * the engine sees what Electron's MessagePort would give it (it accepts both, the array is just slower).
 */
export function toStructured(message: unknown): unknown {
  if (typeof message !== 'object' || message === null) return message;
  const m = message as { kind?: unknown; method?: unknown; params?: unknown };
  if (m.kind !== 'request' || m.method !== 'audio.push') return message;
  if (typeof m.params !== 'object' || m.params === null) return message;
  const samples = (m.params as { samples?: unknown }).samples;
  // Out-of-range values stay an array, so the engine's own validation refuses them with its message.
  const inRange = (x: unknown): x is number => typeof x === 'number' && x >= -1 && x <= 1;
  if (!Array.isArray(samples) || !samples.every(inRange)) return message;
  return { ...m, params: { ...m.params, samples: Float32Array.from(samples) } };
}
