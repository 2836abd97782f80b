/**
 * The IPC channel names shared by main and the preload. Kept free of `electron` imports so main's
 * pure modules and tests can use them; the renderer repeats the port message name (it may not
 * import from electron/).
 */
export const REQUEST_ENGINE_PORT = 'swictation:request-engine-port';
/** Renderer → main (invoke): ask the user, in main's own dialog, to install a model without confirmed checksums. */
export const CONFIRM_UNVERIFIED_MODEL = 'swictation:confirm-unverified-model';
/** Main → preload (webContents.postMessage) and preload → renderer (window.postMessage). */
export const ENGINE_PORT_MESSAGE = 'swictation:engine-port';
