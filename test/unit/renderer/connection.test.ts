import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../../shared/contract';
import { memoryPortPair } from '../../../shared/port';
import { EngineConnection } from '../../../renderer/engine/connection';
import type { Link, Transport } from '../../../renderer/engine/transport';
import type { ConnectionState } from '../../../renderer/store/connectionSlice';

/** Links to a stand-in engine that answers ping (with its pid) and status-free calls with {}. */
class FakeTransport implements Transport {
  readonly kind = 'websocket' as const;
  refuse = 0;
  silent = false;
  /** Requests to drop before answering (a bridge whose engine is still restarting). */
  ignore = 0;
  pid = 100;
  connects = 0;
  private closeCurrent: ((reason: string) => void) | null = null;

  connect(): Promise<Link> {
    this.connects++;
    if (this.refuse > 0) {
      this.refuse--;
      return Promise.reject(new Error('connection refused'));
    }
    const [client, server] = memoryPortPair();
    let open = true;
    let mark: (reason: string) => void = () => undefined;
    const closed = new Promise<string>((r) => (mark = r));
    server.onMessage((m) => {
      if (!open || this.silent) return;
      if (this.ignore > 0) {
        this.ignore--;
        return;
      }
      const req = m as { id: number; method: string };
      const result = req.method === 'ping' ? { protocol: PROTOCOL_VERSION, pid: this.pid } : {};
      server.post({ v: PROTOCOL_VERSION, kind: 'response', id: req.id, ok: true, result });
    });
    const close = (reason: string) => {
      open = false;
      mark(reason);
    };
    this.closeCurrent = close;
    return Promise.resolve({ port: client, closed, close: () => close('closed by client') });
  }

  /** The engine (or the harness) went away. */
  drop(): void {
    this.closeCurrent?.('socket closed');
  }
}

function rig(transport: FakeTransport) {
  const states: ConnectionState[] = [];
  const onLive = vi.fn(() => Promise.resolve());
  const onLost = vi.fn();
  const conn = new EngineConnection(
    transport,
    { onState: (s) => states.push(s), onLive, onLost },
    {
      firstPingMs: 200,
      pingRetryMs: 30,
      heartbeatMs: 20,
      heartbeatTimeoutMs: 50,
      missesAllowed: 1,
      failAfter: 2,
    },
  );
  return { conn, states, onLive, onLost, last: () => states[states.length - 1] };
}

describe('EngineConnection', () => {
  it('goes live after a ping, and calls work', async () => {
    const t = new FakeTransport();
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.last()).toBe('live'));
    expect(r.states[0]).toBe('connecting');
    expect(r.onLive).toHaveBeenCalledTimes(1);
    await expect(r.conn.call('ping')).resolves.toEqual({ protocol: PROTOCOL_VERSION, pid: 100 });
    r.conn.stop();
  });

  it('repeats the first ping when the bridge dropped it', async () => {
    const t = new FakeTransport();
    t.ignore = 2;
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.last()).toBe('live'));
    expect(t.connects).toBe(1);
    r.conn.stop();
  });

  it('fails calls fast while not connected', async () => {
    const r = rig(new FakeTransport());
    await expect(r.conn.call('status')).rejects.toThrow('not connected to the engine');
  });

  it('reconnects and resyncs after the link closes', async () => {
    const t = new FakeTransport();
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.last()).toBe('live'));
    t.drop();
    await vi.waitFor(() => expect(r.states).toContain('reconnecting'));
    expect(r.onLost).toHaveBeenCalledWith('socket closed');
    await vi.waitFor(() => expect(r.last()).toBe('live'), { timeout: 3000 });
    expect(r.onLive).toHaveBeenCalledTimes(2);
    expect(t.connects).toBe(2);
    r.conn.stop();
  });

  it("reads 'failed' after repeated refusals, and still recovers", async () => {
    const t = new FakeTransport();
    t.refuse = 2;
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.states).toContain('failed'), { timeout: 3000 });
    await vi.waitFor(() => expect(r.last()).toBe('live'), { timeout: 3000 });
    r.conn.stop();
  });

  it('notices an engine that stopped answering', async () => {
    const t = new FakeTransport();
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.last()).toBe('live'));
    t.silent = true;
    await vi.waitFor(() => expect(r.onLost).toHaveBeenCalledWith('the engine stopped answering'), {
      timeout: 3000,
    });
    r.conn.stop();
  });

  it('resyncs when a new engine process answers on the same link', async () => {
    const t = new FakeTransport();
    const r = rig(t);
    r.conn.start();
    await vi.waitFor(() => expect(r.last()).toBe('live'));
    t.pid = 200;
    await vi.waitFor(() => expect(r.onLive).toHaveBeenCalledTimes(2));
    expect(t.connects).toBe(1);
    r.conn.stop();
  });
});
