// First: configure zod before shared/ builds its schemas (see zodConfig.ts).
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { DictationController } from './audio/dictationController';
import { chooseTransport } from './engine/connect';
import { EngineConnection } from './engine/connection';
import type { EngineApi } from './engine/engineApi';
import { EngineSession } from './engine/session';
import { installNavigationGuard } from './navigationGuard';
import { viewFor } from './route';
import { ServicesContext, type AppServices } from './services';
import { createAppStore } from './store/appStore';
import { StoreContext } from './store/useApp';
import './styles/app.css';

// Before anything else runs in the page: it may not leave the app (main's will-navigate is the other gate).
installNavigationGuard(window);

/** Wiring: one store, one engine connection per window, the React tree on top. */
const store = createAppStore();
// The overlay's port reads less (shared/capabilities.ts): its session asks only for what it may read.
const session = new EngineSession(
  store,
  viewFor(location.hash, location.search) === 'overlay' ? 'overlay' : 'all',
);
let dictation: DictationController | null = null;

const choice = chooseTransport(window);
let connection: EngineConnection | null = null;
if (choice.ok) {
  connection = new EngineConnection(choice.transport, {
    onState: (state, detail, pid) => {
      const prev = store.getState().connection;
      store.getState().setConnection(state, detail, pid);
      if (state !== prev.state && (state === 'live' || prev.state === 'live')) {
        store
          .getState()
          .logNote(
            state === 'live' ? 'info' : 'warn',
            state === 'live' ? 'Connected to the engine' : `Engine connection lost: ${detail ?? state}`,
            Date.now(),
          );
      }
    },
    onLive: (client) => session.sync(client),
    onLost: (reason) => {
      session.detach();
      dictation?.abort(reason);
    },
  });
} else {
  store.getState().setConnection('failed', choice.reason);
}

const api: EngineApi = {
  call: (method, params) =>
    connection ? connection.call(method, params) : Promise.reject(new Error('not connected to the engine')),
};
dictation = new DictationController(store, api);
const services: AppServices = { api, dictation };

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html has no #root');
createRoot(rootElement).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ServicesContext.Provider value={services}>
        <App />
      </ServicesContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);

connection?.start();
window.addEventListener('pagehide', () => {
  connection?.stop();
  session.stop();
});
