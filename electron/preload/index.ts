import { contextBridge, ipcRenderer } from 'electron';
import type { SwictationBridge } from './api';
import { CONFIRM_UNVERIFIED_MODEL, ENGINE_PORT_MESSAGE, REQUEST_ENGINE_PORT } from './channels';

/**
 * The sandboxed preload: a named, minimal API and nothing else. Raw ipcRenderer never reaches the
 * page, so a compromised renderer can only ask for an engine port, which main checks anyway.
 */
const bridge: SwictationBridge = {
  platform: process.platform,
  requestEnginePort: () => {
    ipcRenderer.send(REQUEST_ENGINE_PORT);
  },
  confirmUnverifiedModel: (id: string) =>
    ipcRenderer.invoke(CONFIRM_UNVERIFIED_MODEL, id).then((answer) => answer === true),
};

contextBridge.exposeInMainWorld('swictation', bridge);

// MessagePorts cannot cross the context bridge as values, but window.postMessage can transfer them
// into the page's world. '*' because a file:// page has an opaque origin; the message goes only to
// this window, and the renderer checks `event.source === window` and the data string.
ipcRenderer.on(ENGINE_PORT_MESSAGE, (event) => {
  window.postMessage(ENGINE_PORT_MESSAGE, '*', event.ports);
});
