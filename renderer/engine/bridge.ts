/**
 * What the preload exposes as `window.swictation` (electron/preload): a named, minimal API. Absent in the
 * browser harness. Exported from a module (not only declared globally) so emitted declarations name it.
 */
export interface SwictationBridge {
  /** process.platform of the app ('linux', 'darwin', 'win32'). */
  readonly platform: string;
  /** Ask main for a MessagePort to the engine; it arrives as a window 'message' event. */
  requestEnginePort(): void;
  /** Ask main to confirm, in its own dialog, installing a model without confirmed checksums (Electron only). */
  confirmUnverifiedModel(id: string): Promise<boolean>;
}
