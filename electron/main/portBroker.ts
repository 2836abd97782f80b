import { OVERLAY_PORT_PREFIX } from '../../shared/capabilities';

/**
 * Gives each window its own MessagePort to the engine, so telemetry goes engine → renderer without
 * crossing main's event loop. Per request: a new channel; one end is transferred to the engine
 * (utility process postMessage with transfer), the other to the window
 * (webContents.postMessage('swictation:engine-port', null, [port])). Windows that asked once get a
 * fresh port every time the engine becomes live again after a restart: that is how the renderer
 * reconnects. Electron objects are injected, so the broker is tested with plain fakes.
 */
export interface ClosablePort {
  close(): void;
}

export interface BrokerWindow<P extends ClosablePort> {
  readonly id: number;
  /** The recording overlay's port is served with the overlay's narrower capabilities (shared/capabilities.ts). */
  readonly role?: 'overlay';
  isDestroyed(): boolean;
  /** Deliver the renderer's end (webContents.postMessage with transfer). */
  sendPort(port: P): void;
}

/** The message that travels with the engine's end of a channel. */
export interface AttachPortMessage {
  kind: 'attach-port';
  /** Who the port serves, for the engine's log. */
  client: string;
}

/** Sent when a window closed: the engine closes and forgets that window's port. */
export interface DetachPortMessage {
  kind: 'detach-port';
  client: string;
}

export interface BrokerDeps<P extends ClosablePort> {
  createChannel(): { port1: P; port2: P };
  /**
   * Transfer `port` to the live engine; false when there is none (it is starting or restarting). The engine
   * keeps one port per client name: a window's new port closes its previous one.
   */
  sendToEngine(message: AttachPortMessage, port: P): boolean;
  /** Tell the live engine, if any, that a window is gone. */
  detachFromEngine(message: DetachPortMessage): void;
}

export type BrokerResult = 'sent' | 'waiting-for-engine' | 'window-gone';

export class PortBroker<P extends ClosablePort> {
  private readonly windows = new Map<number, BrokerWindow<P>>();
  private brokered = 0;

  constructor(private readonly deps: BrokerDeps<P>) {}

  /** A window asked for a port (after its sender was checked). */
  request(window: BrokerWindow<P>): BrokerResult {
    if (window.isDestroyed()) return 'window-gone';
    this.windows.set(window.id, window);
    return this.connect(window);
  }

  /** The engine became live (first start or a restart): every window that asked gets a fresh port. */
  engineLive(): void {
    for (const w of [...this.windows.values()]) this.connect(w);
  }

  /** A window closed: nothing more is sent to it, and the engine closes its port. */
  forget(windowId: number): void {
    const window = this.windows.get(windowId);
    this.windows.delete(windowId);
    this.deps.detachFromEngine({
      kind: 'detach-port',
      client: clientName(window ?? { id: windowId }),
    });
  }

  /** Ports handed out so far (diagnostics and tests). */
  get count(): number {
    return this.brokered;
  }

  private connect(window: BrokerWindow<P>): BrokerResult {
    if (window.isDestroyed()) {
      this.windows.delete(window.id);
      return 'window-gone';
    }
    const { port1, port2 } = this.deps.createChannel();
    if (!this.deps.sendToEngine({ kind: 'attach-port', client: clientName(window) }, port1)) {
      // No engine now: drop this channel; the window is remembered and served by engineLive().
      port1.close();
      port2.close();
      return 'waiting-for-engine';
    }
    window.sendPort(port2);
    this.brokered++;
    return 'sent';
  }
}

/** The engine's name for a window's port: one live port per name; the overlay's prefix picks its capabilities. */
function clientName(window: { id: number; role?: 'overlay' }): string {
  return window.role === 'overlay' ? `${OVERLAY_PORT_PREFIX}${window.id}` : `window:${window.id}`;
}
