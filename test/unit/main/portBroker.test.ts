import { describe, expect, it } from 'vitest';
import {
  PortBroker,
  type AttachPortMessage,
  type BrokerWindow,
  type DetachPortMessage,
} from '../../../electron/main/portBroker';

class FakePort {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

function rig() {
  let n = 0;
  let engineLive = false;
  const toEngine: { message: AttachPortMessage; port: FakePort }[] = [];
  const detached: DetachPortMessage[] = [];
  const broker = new PortBroker<FakePort>({
    createChannel: () => {
      n++;
      return { port1: new FakePort(`engine-${n}`), port2: new FakePort(`window-${n}`) };
    },
    sendToEngine: (message, port) => {
      if (!engineLive) return false;
      toEngine.push({ message, port });
      return true;
    },
    detachFromEngine: (message) => detached.push(message),
  });
  const window = (id: number) => {
    const received: FakePort[] = [];
    const w: BrokerWindow<FakePort> & { received: FakePort[]; destroyed: boolean } = {
      id,
      received,
      destroyed: false,
      isDestroyed: () => w.destroyed,
      sendPort: (p) => received.push(p),
    };
    return w;
  };
  return { broker, toEngine, detached, window, setLive: (v: boolean) => (engineLive = v) };
}

describe('PortBroker', () => {
  it('gives each window one end of a new channel and the engine the other', () => {
    const { broker, toEngine, window, setLive } = rig();
    setLive(true);
    const a = window(1);
    const b = window(2);
    expect(broker.request(a)).toBe('sent');
    expect(broker.request(b)).toBe('sent');
    expect(a.received.map((p) => p.name)).toEqual(['window-1']);
    expect(b.received.map((p) => p.name)).toEqual(['window-2']);
    expect(toEngine.map((t) => [t.message, t.port.name])).toEqual([
      [{ kind: 'attach-port', client: 'window:1' }, 'engine-1'],
      [{ kind: 'attach-port', client: 'window:2' }, 'engine-2'],
    ]);
  });

  it('a request while the engine is down waits; the window is served when it is live', () => {
    const { broker, window, setLive, toEngine } = rig();
    const a = window(1);
    expect(broker.request(a)).toBe('waiting-for-engine');
    expect(a.received).toEqual([]);
    setLive(true);
    broker.engineLive();
    expect(a.received).toHaveLength(1);
    expect(toEngine).toHaveLength(1);
  });

  it('after an engine restart every window gets a fresh port (the renderer reconnects)', () => {
    const { broker, window, setLive } = rig();
    setLive(true);
    const a = window(1);
    const b = window(2);
    broker.request(a);
    broker.request(b);
    setLive(false); // crashed
    setLive(true);
    broker.engineLive();
    expect(a.received.map((p) => p.name)).toEqual(['window-1', 'window-3']);
    expect(b.received.map((p) => p.name)).toEqual(['window-2', 'window-4']);
    expect(broker.count).toBe(4);
  });

  it('closed or destroyed windows get nothing more, and the engine is told to close a closed window’s port', () => {
    const { broker, window, setLive, detached } = rig();
    setLive(true);
    const a = window(1);
    const b = window(2);
    broker.request(a);
    broker.request(b);
    broker.forget(1);
    b.destroyed = true;
    broker.engineLive();
    expect(a.received).toHaveLength(1);
    expect(b.received).toHaveLength(1);
    expect(broker.request(b)).toBe('window-gone');
    expect(detached).toEqual([{ kind: 'detach-port', client: 'window:1' }]);
  });

  it('names the overlay’s port overlay:<id> (its narrower capabilities), on attach and on detach', () => {
    const { broker, toEngine, detached, window, setLive } = rig();
    setLive(true);
    const overlay = { ...window(9), role: 'overlay' as const };
    broker.request(overlay);
    broker.request(window(10));
    expect(toEngine.map((t) => t.message.client)).toEqual(['overlay:9', 'window:10']);
    broker.forget(9);
    broker.forget(10);
    expect(detached.map((d) => d.client)).toEqual(['overlay:9', 'window:10']);
  });
});
