import type { Port } from '../../shared/port';
import { decodeJson, encodeJson } from './jsonWire';
import type { Link, Transport } from './transport';

/** The browser harness's loopback bridge: JSON text frames, one socket per connection attempt. */
export function webSocketTransport(url: string): Transport {
  return { kind: 'websocket', connect: () => openSocket(url) };
}

function openSocket(url: string): Promise<Link> {
  return new Promise<Link>((resolve, reject) => {
    const ws = new WebSocket(url);
    const handlers = new Set<(m: unknown) => void>();
    let opened = false;
    let markClosed: (reason: string) => void = () => undefined;
    const closed = new Promise<string>((r) => (markClosed = r));

    const port: Port = {
      post: (message) => {
        // A message posted after the socket closed is dropped: the client's pending calls are failed
        // by the connection when `closed` resolves.
        if (ws.readyState === WebSocket.OPEN) ws.send(encodeJson(message));
      },
      onMessage: (h) => {
        handlers.add(h);
        return () => handlers.delete(h);
      },
    };

    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      const message = decodeJson(ev.data);
      for (const h of handlers) h(message);
    };
    ws.onopen = () => {
      opened = true;
      resolve({ port, closed, close: () => ws.close() });
    };
    ws.onclose = (ev: CloseEvent) => {
      const reason = `the engine connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
      if (!opened) reject(new Error(`could not connect to the engine bridge (${ev.code})`));
      markClosed(reason);
    };
    // An error is always followed by close, which says what happened.
    ws.onerror = () => undefined;
  });
}
