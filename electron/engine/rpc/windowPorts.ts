import { windowKindOf } from '../../../shared/capabilities';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { Engine } from '../engine';
import { sendEvent, serveEngine } from './engineServer';
import type { AttachedPort } from './processPort';

interface Live {
  attached: AttachedPort;
  stop: () => void;
}

/**
 * The windows' ports: each served with a window's (or the overlay's) capabilities, at most one live port per window (a newer
 * one closes the one before: a page that asks again and again cannot pile up ports the engine keeps
 * sending every event to), and closed when main says the window is gone.
 */
export class WindowPorts {
  private readonly live = new Map<string, Live>();

  constructor(private readonly engine: Engine) {}

  attach(attached: AttachedPort): void {
    this.detach(attached.client);
    // A window's capabilities, or the overlay's narrower ones (main names the overlay's port so).
    const served = serveEngine(attached.port, this.engine, { client: windowKindOf(attached.client) });
    const entry: Live = { attached, stop: served.stop };
    this.live.set(attached.client, entry);
    attached.onClose(() => {
      // The window's end went away by itself: forget it, unless a newer port already took its place.
      if (this.live.get(attached.client) !== entry) return;
      this.live.delete(attached.client);
      served.stop();
    });
  }

  /** Stop serving this window's port and close it. */
  detach(client: string): void {
    const entry = this.live.get(client);
    if (!entry) return;
    this.live.delete(client);
    entry.stop();
    entry.attached.close();
  }

  broadcast(event: EngineEvent): void {
    for (const { attached } of this.live.values()) sendEvent(attached.port, event);
  }

  /** Live ports (diagnostics and tests). */
  get size(): number {
    return this.live.size;
  }
}
