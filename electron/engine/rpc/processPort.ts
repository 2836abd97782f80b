import type { Port } from '../../../shared/port';

interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
  start(): void;
}

interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown; ports?: MessagePortLike[] }) => void): void;
  off(event: 'message', listener: (e: { data: unknown; ports?: MessagePortLike[] }) => void): void;
}

/** A window's own port, handed over by main (one MessageChannelMain per window). */
export interface AttachedPort {
  client: string;
  port: Port;
  onClose: (listener: () => void) => void;
}

export interface ProcessLink {
  /** The link to the parent itself (main's own client, or the test/harness parent). */
  port: Port;
  /** Called for each window port main attaches (Electron only). */
  onAttach(listener: (attached: AttachedPort) => void): void;
}

function wrapMessagePort(p: MessagePortLike): Port {
  p.start();
  return {
    post: (m) => p.postMessage(m),
    onMessage: (h) => {
      const listener = (e: { data: unknown }) => h(e.data);
      p.on('message', listener);
      return () => p.off('message', listener);
    },
  };
}

function isAttach(data: unknown): data is { kind: 'attach-port'; client: string } {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { kind?: unknown }).kind === 'attach-port' &&
    typeof (data as { client?: unknown }).client === 'string'
  );
}

/**
 * The engine's link to whoever started it: Electron's utilityProcess parentPort when present
 * (window ports arrive over it as `attach-port` messages carrying a MessagePort), else
 * child_process IPC (tests, the CLI, the browser harness). Null when started standalone.
 */
export function processLink(): ProcessLink | null {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return parentPortLink(parentPort);
  const send = process.send?.bind(process);
  if (!send) return null;
  return {
    port: {
      post: (m) => {
        if (process.connected) send(m);
      },
      onMessage: (h) => {
        const listener = (m: unknown) => h(m);
        process.on('message', listener);
        return () => process.off('message', listener);
      },
    },
    onAttach: () => undefined,
  };
}

function parentPortLink(parentPort: ParentPortLike): ProcessLink {
  const attachListeners: ((a: AttachedPort) => void)[] = [];
  parentPort.on('message', (e) => {
    const transferred = e.ports?.[0];
    if (!isAttach(e.data) || !transferred) return;
    const attached: AttachedPort = {
      client: e.data.client,
      port: wrapMessagePort(transferred),
      onClose: (l) => transferred.on('close', l),
    };
    for (const l of attachListeners) l(attached);
  });
  return {
    port: {
      post: (m) => parentPort.postMessage(m),
      onMessage: (h) => {
        // Port hand-overs are not contract messages: keep them from the contract's handlers.
        const listener = (e: { data: unknown }) => {
          if (!isAttach(e.data)) h(e.data);
        };
        parentPort.on('message', listener);
        return () => parentPort.off('message', listener);
      },
    },
    onAttach: (l) => attachListeners.push(l),
  };
}
