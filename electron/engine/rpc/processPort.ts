import type { Port } from '../../../shared/port';

interface MessagePortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  off(event: 'message', listener: (e: { data: unknown }) => void): void;
  start(): void;
  close(): void;
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
  /** Close it: a newer port for the same window replaced it, or main said the window closed. */
  close(): void;
}

export interface ProcessLink {
  /** The link to the parent itself (main's own client, or the test/harness parent). */
  port: Port;
  /** Called for each window port the parent attaches. */
  onAttach(listener: (attached: AttachedPort) => void): void;
  /** Called when the parent says a window is gone (`detach-port`): its port must close. */
  onDetach(listener: (client: string) => void): void;
}

/**
 * Port hand-overs between main and the engine, never contract messages:
 * - `attach-port {client}`: with a transferred MessagePort (Electron), or without one over child_process IPC,
 *   where the window's messages then travel wrapped as `port-message {client, message}` both ways (tests
 *   and harnesses use this to act as a window on the real engine process);
 * - `detach-port {client}`: the window closed; `port-closed {client}`: the engine closed that port.
 */
type Control =
  | { kind: 'attach-port'; client: string }
  | { kind: 'detach-port'; client: string }
  | { kind: 'port-message'; client: string; message: unknown };

const CONTROL_KINDS = new Set(['attach-port', 'detach-port', 'port-message']);

function asControl(data: unknown): Control | null {
  if (typeof data !== 'object' || data === null) return null;
  const { kind, client } = data as { kind?: unknown; client?: unknown };
  return typeof kind === 'string' && CONTROL_KINDS.has(kind) && typeof client === 'string'
    ? (data as Control)
    : null;
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

/** The parent link as a contract port: control messages are kept from the contract's handlers. */
function contractPort(post: (m: unknown) => void, subscribe: (h: (m: unknown) => void) => () => void): Port {
  return {
    post,
    onMessage: (h) =>
      subscribe((m) => {
        if (!asControl(m)) h(m);
      }),
  };
}

/** Listeners for attach and detach, and the dispatch of control messages to them. */
class Attachments {
  readonly attach: ((a: AttachedPort) => void)[] = [];
  readonly detach: ((client: string) => void)[] = [];

  attached(a: AttachedPort): void {
    for (const l of this.attach) l(a);
  }

  detached(client: string): void {
    for (const l of this.detach) l(client);
  }
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
  return childProcessLink((m) => {
    if (process.connected) send(m);
  });
}

function parentPortLink(parentPort: ParentPortLike): ProcessLink {
  const a = new Attachments();
  parentPort.on('message', (e) => {
    const control = asControl(e.data);
    const transferred = e.ports?.[0];
    if (control?.kind === 'detach-port') a.detached(control.client);
    if (control?.kind !== 'attach-port' || !transferred) return;
    a.attached({
      client: control.client,
      port: wrapMessagePort(transferred),
      onClose: (l) => transferred.on('close', l),
      close: () => transferred.close(),
    });
  });
  return {
    port: contractPort(
      (m) => parentPort.postMessage(m),
      (h) => {
        const listener = (e: { data: unknown }) => h(e.data);
        parentPort.on('message', listener);
        return () => parentPort.off('message', listener);
      },
    ),
    onAttach: (l) => a.attach.push(l),
    onDetach: (l) => a.detach.push(l),
  };
}

/** Over child_process IPC, which cannot transfer ports: window ports are virtual, their messages wrapped. */
export function childProcessLink(send: (m: unknown) => void): ProcessLink {
  const a = new Attachments();
  const virtual = new Map<string, VirtualPort>();
  process.on('message', (m: unknown) => {
    const control = asControl(m);
    if (!control) return;
    if (control.kind === 'attach-port') {
      const port = new VirtualPort(control.client, send, () => virtual.delete(control.client));
      virtual.get(control.client)?.close();
      virtual.set(control.client, port);
      a.attached(port.attached());
    } else if (control.kind === 'port-message') virtual.get(control.client)?.deliver(control.message);
    else a.detached(control.client);
  });
  return {
    port: contractPort(send, (h) => {
      const listener = (m: unknown) => h(m);
      process.on('message', listener);
      return () => process.off('message', listener);
    }),
    onAttach: (l) => a.attach.push(l),
    onDetach: (l) => a.detach.push(l),
  };
}

class VirtualPort {
  private readonly handlers = new Set<(m: unknown) => void>();
  private readonly closeListeners: (() => void)[] = [];
  private open = true;

  constructor(
    private readonly client: string,
    private readonly send: (m: unknown) => void,
    private readonly onClosed: () => void,
  ) {}

  deliver(message: unknown): void {
    if (this.open) for (const h of this.handlers) h(message);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.handlers.clear();
    this.onClosed();
    this.send({ kind: 'port-closed', client: this.client });
    for (const l of this.closeListeners) l();
  }

  attached(): AttachedPort {
    return {
      client: this.client,
      port: {
        post: (message) => {
          if (this.open) this.send({ kind: 'port-message', client: this.client, message });
        },
        onMessage: (h) => {
          this.handlers.add(h);
          return () => this.handlers.delete(h);
        },
      },
      onClose: (l) => this.closeListeners.push(l),
      close: () => this.close(),
    };
  }
}
