/**
 * The dev:web bridge fed a frame nested far deeper than any real message: the IPC serializer throws
 * synchronously on it, which used to escape the WebSocket handler and end the bridge. Now that message is
 * answered with a failure and the bridge, and the engine behind it, go on serving.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineBridge, type Peer } from '../../harness/bridge';

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
});
