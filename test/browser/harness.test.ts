import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawText, startHarness, toStructured, type Harness } from '../../electron/web/server';
import { SCENARIOS } from './support/browser';

// The bridge and the static server on their own (no Chromium): a stand-in renderer folder, the real
// engine on a steady scenario, and Node clients playing the browser, including hostile ones.

const META_CSP =
  "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*; object-src 'none'";
const SECRET = 'the bridge must never serve this';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes on the wire exactly as written (fetch would normalise `..` away first). */
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Opened = { ok: true; ws: WebSocket } | { ok: false; status: number };

function openSocket(url: string, origin: string | null): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === null ? {} : { origin });
    ws.once('open', () => resolve({ ok: true, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ok: false, status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

/** Messages a socket receives, with a way to wait for one. */
function inbox(ws: WebSocket) {
  const messages: unknown[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data: WebSocket.RawData) => {
    messages.push(JSON.parse(rawText(data)) as unknown);
    for (const w of waiters) w();
  });
  const waitFor = (pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = messages.find(
          (m) => typeof m === 'object' && m !== null && pred(m as Record<string, unknown>),
        );
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found as Record<string, unknown>);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching message in ${timeoutMs} ms (got ${messages.length})`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { messages, waitFor };
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe('browser harness: static server and engine bridge', () => {
  let dir: string;
  let harness: Harness;
  const sockets: WebSocket[] = [];
  const wsUrl = (token: string | null) =>
    `ws://127.0.0.1:${harness.port}/engine${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const open = async (token: string | null = harness.token, origin: string | null = harness.origin) => {
    const r = await openSocket(wsUrl(token), origin);
    if (r.ok) sockets.push(r.ws);
    return r;
  };
  const mustOpen = async () => {
    const r = await open();
    if (!r.ok) throw new Error(`the bridge refused a valid upgrade (${r.status})`);
    return r.ws;
  };
  const ping = (id: number) => JSON.stringify({ v: 1, kind: 'request', id, method: 'ping', params: {} });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'swictation-static-'));
    const root = path.join(dir, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(
      path.join(root, 'index.html'),
      `<!doctype html><html><head>\n<meta\n  http-equiv="Content-Security-Policy"\n  content="${META_CSP}"\n/>` +
        `</head><body><div id="root"></div></body></html>`,
    );
    await writeFile(path.join(root, 'assets/captureWorklet-abc123.js'), 'registerProcessor("x", class {});');
    await writeFile(path.join(root, 'assets/app.css'), 'body{}');
    await writeFile(path.join(dir, 'secret.txt'), SECRET);
    await symlink(path.join(dir, 'secret.txt'), path.join(root, 'assets/leak.txt'));
    harness = await startHarness({ scenario: path.join(SCENARIOS, 'ui-steady.json'), rendererDir: root });
  });

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await harness.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the renderer with its own CSP as a header and correct content types', async () => {
    const index = await get(harness.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(`${META_CSP}; frame-ancestors 'none'`);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    // addModule() refuses a worklet that is not served as JavaScript.
    const worklet = await get(harness.port, '/assets/captureWorklet-abc123.js');
    expect(worklet.status).toBe(200);
    expect(worklet.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(harness.port, '/assets/app.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('never leaves the renderer folder', async () => {
    for (const p of [
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/leak.txt',
      '/../secret.txt',
      '/%00index.html',
    ]) {
      const r = await get(harness.port, p, { authorization: 'irrelevant' });
      expect(r.body, p).not.toContain(SECRET);
      expect([400, 401, 404], `${p} → ${r.status}`).toContain(r.status);
    }
    // Even with the token, a traversal stays refused.
    const withToken = await get(harness.port, `/assets/..%2f..%2fsecret.txt?token=${harness.token}`);
    expect(withToken.status).toBe(400);
    expect(withToken.body).not.toContain(SECRET);
  });

  it('refuses every non-static request without the token (401)', async () => {
    expect((await get(harness.port, '/engine')).status).toBe(401);
    expect((await get(harness.port, '/engine?token=wrong')).status).toBe(401);
    expect((await get(harness.port, '/status')).status).toBe(401);
    expect((await get(harness.port, `/status?token=${harness.token}`)).status).toBe(404);
    expect((await get(harness.port, `/engine?token=${harness.token}`)).status).toBe(426);
    // DNS rebinding: a page of another site resolving to 127.0.0.1 sends its own Host.
    expect((await get(harness.port, '/', { host: `evil.example:${harness.port}` })).status).toBe(403);
  });

  it('refuses WebSocket upgrades without the token (401) or from another origin (403)', async () => {
    expect(await open(null)).toEqual({ ok: false, status: 401 });
    expect(await open('x'.repeat(harness.token.length))).toEqual({ ok: false, status: 401 });
    expect(await open(`${harness.token}x`)).toEqual({ ok: false, status: 401 });
    expect(await open(harness.token, 'http://evil.example')).toEqual({ ok: false, status: 403 });
    expect(await open(harness.token, `http://localhost:${harness.port}`)).toEqual({ ok: false, status: 403 });
    // Node clients send no Origin unless told: refused too.
    expect(await open(harness.token, null)).toEqual({ ok: false, status: 403 });
  });

  it('relays requests with each connection keeping its own ids, and events to all', async () => {
    const a = await mustOpen();
    const b = await mustOpen();
    const inA = inbox(a);
    const inB = inbox(b);
    // Both number their first request 1: each must get its own answer, under its own id.
    a.send(ping(1));
    b.send(ping(1));
    b.send(JSON.stringify({ v: 1, kind: 'request', id: 2, method: 'settings.get', params: {} }));
    const pongA = await inA.waitFor((m) => m.kind === 'response' && m.id === 1);
    const pongB = await inB.waitFor((m) => m.kind === 'response' && m.id === 1);
    expect(pongA).toMatchObject({ ok: true, result: { pid: harness.engine.pid } });
    expect(pongB).toMatchObject({ ok: true, result: { pid: harness.engine.pid } });
    const settings = await inB.waitFor((m) => m.kind === 'response' && m.id === 2);
    expect(settings).toMatchObject({ ok: true, result: { memory: { intervalMs: 100 } } });
    expect(inA.messages.filter((m) => (m as { id?: unknown }).id === 2)).toEqual([]);
    // Telemetry reaches every connection.
    await inA.waitFor((m) => m.kind === 'event' && (m.event as { type?: unknown }).type === 'sample');
    await inB.waitFor((m) => m.kind === 'event' && (m.event as { type?: unknown }).type === 'sample');
    // The engine validates what the bridge passes on: a bad request gets the engine's own error.
    a.send(JSON.stringify({ v: 1, kind: 'request', id: 7, method: 'no.such.method', params: {} }));
    expect(await inA.waitFor((m) => m.id === 7)).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
    // Malformed text is answered to the sender only.
    a.send('{not json');
    await inA.waitFor((m) => m.kind === 'event' && (m.event as { type?: unknown }).type === 'protocol-error');
    a.close();
    b.close();
  });

  it('turns JSON audio back into Float32Array for the engine, leaving invalid input for it to refuse', () => {
    const m = toStructured({
      v: 1,
      kind: 'request',
      id: 3,
      method: 'audio.push',
      params: { samples: [0, 0.5, -1] },
    });
    const samples = (m as { params: { samples: unknown } }).params.samples;
    expect(samples).toBeInstanceOf(Float32Array);
    expect(Array.from(samples as Float32Array)).toEqual([0, 0.5, -1]);
    const bad = { v: 1, kind: 'request', id: 4, method: 'audio.push', params: { samples: [0, 2] } };
    expect(toStructured(bad)).toBe(bad);
  });

  it('reports an engine crash, closes the pages’ sockets, and restarts the engine when asked', async () => {
    const ws = await mustOpen();
    const gone = closed(ws);
    const oldPid = harness.engine.pid;
    const exits = harness.exits.length;
    harness.engine.kill('SIGKILL');
    expect((await gone).code).toBe(1011);
    await expect.poll(() => harness.exits.length).toBe(exits + 1);
    expect(harness.exits.at(-1)).toMatchObject({ signal: 'SIGKILL', requested: false });
    // While the engine is down a new page is told so at once (it will retry), not left hanging.
    expect(await open()).toEqual({ ok: false, status: 503 });
    await harness.restartEngine();
    expect(harness.engine.pid).not.toBe(oldPid);
    const again = await mustOpen();
    const inAgain = inbox(again);
    again.send(ping(1));
    expect(await inAgain.waitFor((m) => m.id === 1)).toMatchObject({ result: { pid: harness.engine.pid } });
    // The harness's own client works across the restart too.
    expect((await harness.client.call('ping')).pid).toBe(harness.engine.pid);
    // A requested restart closes sockets with 1012 (service restart).
    const restarting = closed(again);
    await harness.restartEngine();
    expect((await restarting).code).toBe(1012);
  });
});
