import type { Port } from '../../shared/port';
import type { SwictationBridge } from './bridge';
import type { Link, Transport } from './transport';

/** The message the preload posts to the page with the engine's MessagePort attached. */
export const ENGINE_PORT_MESSAGE = 'swictation:engine-port';

const PORT_WAIT_MS = 5000;

/**
 * Electron: main brokers a MessagePort per window. The preload forwards it to the page as a window
 * message; main sends a fresh one after it restarts the engine, which replaces the live link.
 */
export function messagePortTransport(bridge: SwictationBridge, win: Window): Transport {
  let waiting: ((port: MessagePort) => void) | null = null;
  let queued: MessagePort | null = null;
  let endCurrent: ((reason: string) => void) | null = null;

  win.addEventListener('message', (ev: MessageEvent) => {
    // Only the preload (same window) may hand over a port.
    if (ev.source !== win || ev.data !== ENGINE_PORT_MESSAGE) return;
    const port = ev.ports[0];
    if (!port) return;
    endCurrent?.('the engine was restarted');
    if (waiting) {
      waiting(port);
      waiting = null;
    } else {
      queued = port;
    }
  });

  const nextPort = (): Promise<MessagePort> => {
    if (queued) {
      const port = queued;
      queued = null;
      return Promise.resolve(port);
    }
    return new Promise<MessagePort>((resolve, reject) => {
      const timer = win.setTimeout(() => {
        waiting = null;
        reject(new Error('no engine port arrived from the app'));
      }, PORT_WAIT_MS);
      waiting = (port) => {
        win.clearTimeout(timer);
        resolve(port);
      };
      bridge.requestEnginePort();
    });
  };

  return {
    kind: 'electron',
    connect: async () => {
      const port = await nextPort();
      let markClosed: (reason: string) => void = () => undefined;
      const closed = new Promise<string>((r) => (markClosed = r));
      let ended = false;
      const end = (reason: string): void => {
        if (ended) return;
        ended = true;
        if (endCurrent === end) endCurrent = null;
        markClosed(reason);
        port.close();
      };
      endCurrent = end;
      // Chromium fires 'close' on an entangled port whose other end went away (where supported).
      port.addEventListener('close', () => end('the engine port closed'));
      const link: Link = { port: wrapMessagePort(port), closed, close: () => end('closed by the window') };
      return link;
    },
  };
}

/** A DOM MessagePort as the contract's Port: structured clone, so Float32Array frames travel as they are. */
export function wrapMessagePort(port: MessagePort): Port {
  const handlers = new Set<(m: unknown) => void>();
  port.addEventListener('message', (ev: MessageEvent) => {
    for (const h of handlers) h(ev.data);
  });
  port.start();
  return {
    post: (message) => port.postMessage(message),
    onMessage: (h) => {
      handlers.add(h);
      return () => handlers.delete(h);
    },
  };
}
