import type { Port } from '../../../shared/port';

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/**
 * The engine's link to whoever started it: Electron's utilityProcess parentPort when present,
 * else child_process IPC (tests, the CLI, the browser harness). Null when started standalone.
 */
export function processPort(): Port | null {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return {
      post: (m) => parentPort.postMessage(m),
      onMessage: (h) => {
        const listener = (e: { data: unknown }) => h(e.data);
        parentPort.on('message', listener);
        return () => parentPort.off('message', listener);
      },
    };
  }
  const send = process.send?.bind(process);
  if (!send) return null;
  return {
    post: (m) => {
      if (process.connected) send(m);
    },
    onMessage: (h) => {
      const listener = (m: unknown) => h(m);
      process.on('message', listener);
      return () => process.off('message', listener);
    },
  };
}
