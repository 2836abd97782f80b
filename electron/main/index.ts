import {
  app,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  Notification,
  protocol,
  session,
  Tray,
  utilityProcess,
  type MessagePortMain,
  type UtilityProcess,
} from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { wallClock } from '../engine/runtime/clock';
import { userDataDir, userDataPaths } from '../engine/runtime/userDataDir';
import { CONFIRM_UNVERIFIED_MODEL, ENGINE_PORT_MESSAGE, REQUEST_ENGINE_PORT } from '../preload/channels';
import { APP_SCHEME_PRIVILEGES } from './appProtocol';
import { AppController } from './appController';
import type { AppState } from './appState';
import { handoffData, parseCommandLine, type AppCommand } from './commandLine';
import { handleEnginePortRequest } from './enginePortRequest';
import { EngineSupervisor, type EngineProcess } from './engineSupervisor';
import { followHotkeySetting, HotkeyBinding, isWayland } from './hotkey';
import { followLaunchAtLogin } from './launchAtLogin';
import { appPaths, appRootFrom } from './paths';
import { PortBroker, type AttachPortMessage } from './portBroker';
import { secondInstanceRequest } from './secondInstance';
import { SettingsStore } from './settingsStore';
import { StopKey } from './stopKey';
import { handleUnverifiedConsent } from './unverifiedConsent';
import { buildTrayMenu, menuAttachment, toMenuTemplate } from './trayMenu';
import { NOT_LIVE_COLOR, circleBitmap, trayLook, type TrayMark } from './trayIcon';
import { overlayWanted } from './windowPolicy';
import { AppWindows, hardenSession, serveRenderer } from './windows';

/**
 * The Electron main process: wiring only. Every decision lives in the pure modules next to this
 * file (tested with fakes); this file hands them the real Electron APIs.
 */
const launch = parseCommandLine(process.argv);

// One folder for the CLI, the engine and the app (the engine reads $SWICTATION_HOME or the same default).
app.setPath('userData', userDataDir());
// Electron takes scheme privileges only before 'ready': here, at load, ahead of whenReady() below.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

/** Commands handed over by later launches; queued until main() can act on them. */
let handOff: (command: AppCommand) => void;
const early: AppCommand[] = [];
handOff = (command) => early.push(command);

if (!app.requestSingleInstanceLock(handoffData(process.argv))) {
  // Another instance runs: it received our argv through 'second-instance' and acts on it.
  app.quit();
} else {
  // Registered before 'ready' so a launch during startup is not lost.
  app.on('second-instance', (_event, argv, _cwd, additionalData) => {
    handOff(secondInstanceRequest(argv, additionalData, (m) => console.warn(`swictation: ${m}`)));
  });
  app
    .whenReady()
    .then(main)
    .catch((error: unknown) => {
      console.error('swictation: startup failed', error);
      app.exit(1);
    });
}

interface UtilityEngine extends EngineProcess {
  readonly child: UtilityProcess;
}

function spawnEngine(entry: string, args: string[], home: string): UtilityEngine {
  const child = utilityProcess.fork(entry, args, {
    serviceName: 'Swictation engine',
    stdio: 'inherit',
    env: { ...process.env, SWICTATION_HOME: home },
  });
  return {
    child,
    get pid() {
      return child.pid;
    },
    port: {
      post: (m) => child.postMessage(m),
      onMessage: (h) => {
        const listener = (m: unknown) => h(m);
        child.on('message', listener);
        return () => child.off('message', listener);
      },
    },
    onExit: (listener) => {
      child.once('exit', (code) => listener({ code, signal: null }));
    },
    terminate: () => void child.kill(),
    // utilityProcess has one kill(); a SIGKILL needs the pid.
    forceKill: () => {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

async function main(): Promise<void> {
  const home = app.getPath('userData');
  const paths = appPaths(appRootFrom(import.meta.url), existsSync);
  // Our windows use the default session: it serves app:// and carries the rules.
  serveRenderer(session.defaultSession, path.dirname(paths.rendererIndex));
  // The overlay only draws: it gets no microphone (windows is assigned below, before any page loads).
  hardenSession(session.defaultSession, (contents) => windows.isOverlay(contents));

  const store = new SettingsStore(userDataPaths(home).settings);
  await store.load();

  const supervisor = new EngineSupervisor<UtilityEngine>({
    spawn: () => spawnEngine(paths.engineEntry, launch.engineArgs, home),
    clock: wallClock,
    // The engine saved every change it accepted: what is on disk is what a restarted engine needs.
    settings: () => store.reload(),
    onListenerError: (error) => console.error('swictation: listener failed', error),
  });

  const windows = new AppWindows(paths);
  const broker = new PortBroker<MessagePortMain>({
    createChannel: () => new MessageChannelMain(),
    sendToEngine: (message: AttachPortMessage, port) => {
      const engine = supervisor.process;
      if (!engine) return false;
      engine.child.postMessage(message, [port]);
      return true;
    },
    detachFromEngine: (message) => supervisor.process?.child.postMessage(message),
  });
  supervisor.onLive(() => broker.engineLive());
  windows.onClosed((id) => broker.forget(id));

  ipcMain.on(REQUEST_ENGINE_PORT, (event) => {
    handleEnginePortRequest(event, {
      windowFor: (sender: Electron.WebContents) => {
        const win = windows.fromWebContents(sender);
        return (
          win && {
            id: win.id,
            ...(windows.isOverlay(sender) ? { role: 'overlay' as const } : {}),
            isDestroyed: () => win.isDestroyed(),
            sendPort: (port: MessagePortMain) =>
              win.webContents.postMessage(ENGINE_PORT_MESSAGE, null, [port]),
          }
        );
      },
      request: (window) => broker.request(window),
      log: (message) => console.warn(`swictation: ${message}`),
    });
  });

  ipcMain.handle(CONFIRM_UNVERIFIED_MODEL, (event, id: unknown) =>
    handleUnverifiedConsent(event, id, {
      windowFor: (sender: Electron.WebContents) => windows.fromWebContents(sender),
      confirm: async (win, model) => {
        const { response } = await dialog.showMessageBox(win, {
          type: 'warning',
          buttons: ['Cancel', 'Install anyway'],
          defaultId: 0,
          cancelId: 0,
          message: `Install ${model} without a confirmed checksum?`,
          detail:
            'Its files could not be checked against a published checksum. Install it only if you trust where it comes from.',
        });
        return response === 1;
      },
      consent: async (model) => {
        const client = supervisor.client;
        if (!client) throw new Error('the engine is not running');
        await client.call('models.consent', { id: model });
      },
      log: (message) => console.warn(`swictation: ${message}`),
    }),
  );

  // A tray app: no dock icon on macOS.
  app.dock?.hide();
  let lastIcon = `${NOT_LIVE_COLOR}/none`;
  const tray = new Tray(iconFor(NOT_LIVE_COLOR, 'none'));
  let lastMenu = '';
  let menu: Electron.Menu | null = null;
  const attachment = menuAttachment(process.platform);
  const stopKey = new StopKey(globalShortcut, () => void controller.run('toggle'));
  const render = (state: AppState) => {
    const look = trayLook(state);
    const icon = `${look.color}/${look.mark}`;
    if (icon !== lastIcon) {
      lastIcon = icon;
      tray.setImage(iconFor(look.color, look.mark));
    }
    windows.setOverlayVisible(overlayWanted(state.dictation));
    stopKey.follow(state.dictation);
    tray.setToolTip(look.tooltip);
    const items = buildTrayMenu(state);
    const key = JSON.stringify(items);
    // Rebuilding the menu on every sample makes open indicator menus flicker: only when it changes.
    if (key !== lastMenu) {
      lastMenu = key;
      menu = Menu.buildFromTemplate(toMenuTemplate(items, (a) => void controller.run(a)));
      if (attachment === 'context-menu') tray.setContextMenu(menu);
    }
  };

  const controller: AppController = new AppController({
    supervisor,
    settings: store,
    clock: wallClock,
    render,
    notify: ({ title, body }) => {
      if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
    },
    showPopover: () => windows.showPopover(trayBounds(tray)),
    togglePopover: () => windows.togglePopover(trayBounds(tray)),
    showSettings: () => windows.showSettings(),
    quit: () => app.quit(),
    log: (message) => console.warn(`swictation: ${message}`),
  });
  // Windows and macOS deliver clicks (dictate, or the window per app.trayClick); Linux indicators do not,
  // so their menu starts with Dictate and Open.
  tray.on('click', () => void controller.run('tray-click'));
  if (attachment === 'right-click-pop-up')
    tray.on('right-click', () => {
      if (menu) tray.popUpContextMenu(menu);
    });
  // Made once the engine is up (its page connects at once), after any window a launch command opens.
  supervisor.onLive(() => windows.prepareOverlay());
  followLaunchAtLogin(store, app, { platform: process.platform, packaged: app.isPackaged });

  const hotkey = new HotkeyBinding(
    globalShortcut,
    () => void controller.run('toggle'),
    isWayland(process.env),
  );
  // The settings window talks to the engine directly; the engine's settings event reaches the store (the
  // controller adopts it), and the shortcut is re-bound at once.
  followHotkeySetting(store, hotkey, (problem) => controller.setHotkeyProblem(problem));

  handOff = (command) => void controller.run(command);
  for (const command of early.splice(0)) handOff(command);
  // A tray app keeps running with every window closed.
  app.on('window-all-closed', () => undefined);
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    hotkey.clear();
    stopKey.follow('idle');
    // Let the engine close its log and history before the app goes.
    void supervisor.stop().finally(() => app.quit());
  });

  supervisor.start();
  if (launch.command) void controller.run(launch.command);
}

function iconFor(color: string, mark: TrayMark): Electron.NativeImage {
  const size = 32;
  return nativeImage.createFromBitmap(circleBitmap(color, size, mark), {
    width: size,
    height: size,
    scaleFactor: 2,
  });
}

/** Linux reports a zero rectangle: treat it as "no bounds". */
function trayBounds(tray: Tray): Electron.Rectangle | null {
  const b = tray.getBounds();
  return b.width > 0 && b.height > 0 ? b : null;
}
