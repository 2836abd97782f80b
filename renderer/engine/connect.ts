import { messagePortTransport } from './messagePortTransport';
import type { Transport } from './transport';
import { webSocketTransport } from './webSocketTransport';

export type TransportChoice = { ok: true; transport: Transport } | { ok: false; reason: string };

/**
 * How this page reaches the engine, chosen once at start:
 * - in Electron the preload exposes `window.swictation` and hands over a MessagePort;
 * - in the browser harness the URL carries `?ws=<port>&token=<token>` for the loopback bridge.
 */
export function chooseTransport(win: Window): TransportChoice {
  const bridge = win.swictation;
  if (bridge) return { ok: true, transport: messagePortTransport(bridge, win) };
  const url = harnessUrl(win.location.search);
  if (url.ok) return { ok: true, transport: webSocketTransport(url.url) };
  return url;
}

/** The bridge URL from the page's query string; the port must be a number and the token present. */
export function harnessUrl(search: string): { ok: true; url: string } | { ok: false; reason: string } {
  const q = new URLSearchParams(search);
  const port = q.get('ws');
  const token = q.get('token');
  if (port === null || token === null) {
    return {
      ok: false,
      reason: 'no engine to connect to: open this page from the app or with ?ws=PORT&token=TOKEN',
    };
  }
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65_535)
    return { ok: false, reason: `ws=${port} is not a port number` };
  return { ok: true, url: `ws://127.0.0.1:${n}/engine?token=${encodeURIComponent(token)}` };
}
