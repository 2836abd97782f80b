/**
 * The dev:web bridge against the real engine. A frame nested far deeper than any real message makes the IPC
 * serializer throw synchronously, which used to escape the WebSocket handler and end the bridge: now that
 * message is answered with a failure and the bridge goes on. A browser page is a window, as in the app: it
 * gets a window's capabilities, while the harness's own client keeps the trusted link.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineBridge, type Peer } from '../../../electron/web/bridge';

let home: string;
let bridge: EngineBridge;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'swictation-bridge-'));
  bridge = new EngineBridge({ args: ['--probe', 'none', '--speech', 'off'], home });
  await bridge.start();
});
afterAll(async () => {
  await bridge.stop();
  await rm(home, { recursive: true, force: true });
});

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { value };
  return value;
}

describe('EngineBridge', () => {
  it('a deeply nested frame is refused with a failure; the bridge and the engine keep serving', async () => {
    const delivered: unknown[] = [];
    const peer: Peer = { name: 'hostile', deliver: (m) => delivered.push(m), close: () => undefined };
    bridge.attach(peer);
    const frame = { v: 1, kind: 'request', id: 7, method: 'ping', params: nested(200_000) };
    expect(() => bridge.fromPeer(peer, frame)).not.toThrow();
    expect(delivered).toEqual([
      {
        v: 1,
        kind: 'response',
        id: 7,
        ok: false,
        error: {
          code: 'failed',
          message: expect.stringMatching(/the engine did not receive the request/) as unknown,
        },
      },
    ]);
    expect((await bridge.client.call('ping')).protocol).toBe(1);
    expect(bridge.state).toBe('ready');
  });

  it('a browser peer is served as a window: answered under its own ids, each event once, file paths refused', async () => {
    const delivered: {
      kind?: string;
      id?: number;
      ok?: boolean;
      error?: { code: string };
      event?: { type: string };
    }[] = [];
    const peer: Peer = {
      name: 'page',
      deliver: (m) => delivered.push(m as (typeof delivered)[number]),
      close: () => undefined,
    };
    bridge.attach(peer);
    const request = (id: number, method: string, params: object) =>
      bridge.fromPeer(peer, { v: 1, kind: 'request', id, method, params });
    request(1, 'ping', {});
    request(2, 'dictation.start', { source: 'file', path: '/dev/zero' });
    await expect.poll(() => delivered.filter((m) => m.kind === 'response').length).toBe(2);
    const responses = delivered
      .filter((m) => m.kind === 'response')
      .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    expect(responses.map((r) => [r.id, r.ok, r.error?.code])).toEqual([
      [1, true, undefined],
      [2, false, 'forbidden'],
    ]);
    // The harness's own client is trusted: the same request gets past the capability check (and meets
    // the engine started without speech).
    await expect(
      bridge.client.call('dictation.start', { source: 'file', path: '/dev/zero' }),
    ).rejects.toThrow(/speech/i);
    // A broadcast reaches the page once, not once per link.
    const downloads = (types: (string | undefined)[]) => types.filter((t) => t === 'download').length;
    await bridge.client.call('models.pull', { id: 'parakeet-ctc-0.6b', allowUnverified: true });
    await bridge.client.call('models.cancel', { id: 'parakeet-ctc-0.6b' });
    await bridge.waitForEvent(
      (e) => e.type === 'download' && e.state !== 'started' && e.state !== 'progress',
    );
    await new Promise((r) => setTimeout(r, 300));
    const toPage = downloads(delivered.map((m) => m.event?.type));
    expect(toPage).toBeGreaterThan(0);
    expect(toPage).toBe(downloads(bridge.events.map((t) => t.event.type)));
    bridge.detach(peer);
  });
});
