/**
 * What the preload exposes as `window.swictation`: a named, minimal API. The renderer declares the
 * same shape on its side (it may not import from electron/); this type is the reference.
 */
export interface SwictationBridge {
  readonly platform: NodeJS.Platform;
  /**
   * Ask main for a MessagePort to the engine. The port arrives as a window message whose data is
   * 'swictation:engine-port' with the port in `event.ports[0]`; a fresh one arrives after every
   * engine restart, so the renderer reconnects by listening, not by asking again.
   */
  requestEnginePort(): void;
  /**
   * Ask main to confirm, in its own dialog, installing model `id` without confirmed checksums. True once
   * the user said yes there: the engine then accepts this window's `models.pull` with allowUnverified, once.
   */
  confirmUnverifiedModel(id: string): Promise<boolean>;
}
