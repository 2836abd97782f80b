import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * Just enough of the `electron` module for electron/main/index.ts to run under Node: the wiring is
 * exercised for real (single-instance handoff, app:// scheme registration and handler, settings store,
 * supervisor, tray, port broker, IPC sender check) while the engine runs as a real process. utilityProcess.fork becomes
 * child_process.fork (same entry, structured-clone messages); MessagePorts cannot cross
 * child_process IPC, so transferred ports are recorded instead of delivered.
 */
export interface MenuTemplateItem {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
}

export const fake = {
  paths: new Map<string, string>(),
  app: new EventEmitter(),
  quitCalls: 0,
  lockData: undefined as unknown,
  trays: [] as FakeTray[],
  notifications: [] as { title: string; body: string }[],
  utilities: [] as FakeUtilityProcess[],
  windows: [] as FakeBrowserWindow[],
  ipc: new Map<string, (event: unknown, ...args: unknown[]) => void>(),
  /** ipcMain.handle handlers (invoke), by channel. */
  ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  /** Every dialog.showMessageBox call's options, and the button the fake user presses. */
  dialogs: [] as unknown[],
  dialogResponse: 0,
  shortcuts: new Map<string, () => void>(),
  sessionHandlers: {} as Record<string, unknown>,
  /** Set once whenReady() has resolved: what Electron calls 'ready'. */
  ready: false,
  /** Each registerSchemesAsPrivileged call, and whether it came before 'ready' (Electron ignores it after). */
  privilegedSchemes: [] as { schemes: unknown[]; beforeReady: boolean }[],
  /** protocol.handle on the default session, by scheme. */
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  /** app.setLoginItemSettings calls (launch at login). */
  loginItems: [] as { openAtLogin: boolean }[],
};

export const app = Object.assign(fake.app, {
  setPath: (name: string, value: string) => void fake.paths.set(name, value),
  getPath: (name: string) => fake.paths.get(name) ?? `/nonexistent/${name}`,
  requestSingleInstanceLock: (data?: unknown) => {
    fake.lockData = data;
    return true;
  },
  whenReady: () =>
    Promise.resolve().then(() => {
      fake.ready = true;
    }),
  quit: () => {
    fake.quitCalls++;
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    fake.app.emit('before-quit', event);
  },
  exit: (code: number) => {
    throw new Error(`app.exit(${code})`);
  },
  isPackaged: false,
  getLoginItemSettings: () => ({ openAtLogin: fake.loginItems.at(-1)?.openAtLogin ?? false }),
  setLoginItemSettings: (s: { openAtLogin: boolean }) => void fake.loginItems.push(s),
});

export class FakeTray {
  image: { color?: string } | null = null;
  tooltip = '';
  menu: MenuTemplateItem[] = [];
  private readonly events = new EventEmitter();
  constructor() {
    fake.trays.push(this);
  }
  setImage(image: { color?: string }): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: MenuTemplateItem[]): void {
    this.menu = menu;
  }
  on(name: string, fn: () => void): void {
    this.events.on(name, fn);
  }
  /** A left click on the icon, as Windows and macOS deliver it. */
  click(): void {
    this.events.emit('click');
  }
  popUpContextMenu(menu: MenuTemplateItem[]): void {
    this.menu = menu;
  }
  getBounds() {
    return { x: 0, y: 0, width: 0, height: 0 }; // as Linux reports it
  }
}
export { FakeTray as Tray };

export const Menu = { buildFromTemplate: (template: MenuTemplateItem[]) => template };

export const nativeImage = {
  createEmpty: () => ({}),
  createFromBitmap: (buffer: Buffer, size: { width: number; height: number }) => ({
    // The centre pixel (BGRA) tells the test which colour was drawn.
    color: centreColour(buffer, size.width),
  }),
};

function centreColour(buffer: Buffer, size: number): string {
  const i = (Math.floor(size / 2) * size + Math.floor(size / 2)) * 4;
  const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(2, '0');
  return `#${hex(buffer[i + 2])}${hex(buffer[i + 1])}${hex(buffer[i])}`;
}

export class Notification {
  static isSupported(): boolean {
    return true;
  }
  constructor(private readonly options: { title: string; body: string }) {}
  show(): void {
    fake.notifications.push({ title: this.options.title, body: this.options.body });
  }
}

export const globalShortcut = {
  register: (acc: string, fn: () => void) => {
    fake.shortcuts.set(acc, fn);
    return true;
  },
  unregister: (acc: string) => void fake.shortcuts.delete(acc),
};

export const ipcMain = {
  on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => void fake.ipc.set(channel, fn),
  handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
    void fake.ipcHandlers.set(channel, fn),
};

export const dialog = {
  showMessageBox: (_window: unknown, options: unknown) => {
    fake.dialogs.push(options);
    return Promise.resolve({ response: fake.dialogResponse, checkboxChecked: false });
  },
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) =>
    void fake.privilegedSchemes.push({ schemes, beforeReady: !fake.ready }),
};

export const session = {
  defaultSession: {
    protocol: {
      handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) =>
        void fake.protocolHandlers.set(scheme, handler),
    },
    setPermissionRequestHandler: (fn: unknown) => void (fake.sessionHandlers['permissionRequest'] = fn),
    setPermissionCheckHandler: (fn: unknown) => void (fake.sessionHandlers['permissionCheck'] = fn),
    webRequest: {
      onBeforeRequest: (fn: unknown) => void (fake.sessionHandlers['beforeRequest'] = fn),
      onHeadersReceived: (fn: unknown) => void (fake.sessionHandlers['headersReceived'] = fn),
    },
  },
};

export class FakePort {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

let channels = 0;
export class MessageChannelMain {
  readonly port1: FakePort;
  readonly port2: FakePort;
  constructor() {
    channels++;
    this.port1 = new FakePort(`engine-end-${channels}`);
    this.port2 = new FakePort(`window-end-${channels}`);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  readonly child: ChildProcess;
  readonly attached: { message: unknown; ports: FakePort[] }[] = [];
  constructor(
    readonly entry: string,
    readonly args: string[],
    readonly options: { env?: NodeJS.ProcessEnv; serviceName?: string },
  ) {
    super();
    this.child = fork(entry, args, {
      env: options.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code) => this.emit('exit', code ?? 1));
    fake.utilities.push(this);
  }
  get pid(): number | undefined {
    return this.child.pid;
  }
  postMessage(message: unknown, transfer?: FakePort[]): void {
    if (transfer?.length) {
      this.attached.push({ message, ports: transfer });
      return;
    }
    if (this.child.connected) this.child.send(message as object);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = {
  fork: (entry: string, args: string[], options: { env?: NodeJS.ProcessEnv }) =>
    new FakeUtilityProcess(entry, args, options),
};

export class FakeWebContents extends EventEmitter {
  readonly posted: { channel: string; ports: FakePort[] }[] = [];
  readonly mainFrame = { url: '', parent: null };
  openHandler: (() => { action: string }) | null = null;
  setWindowOpenHandler(fn: () => { action: string }): void {
    this.openHandler = fn;
  }
  isDevToolsOpened(): boolean {
    return false;
  }
  postMessage(channel: string, _message: unknown, ports: FakePort[]): void {
    this.posted.push({ channel, ports });
  }
}

let windowIds = 0;
export class FakeBrowserWindow extends EventEmitter {
  readonly id = ++windowIds;
  readonly webContents = new FakeWebContents();
  bounds: unknown = null;
  visible = false;
  /** The URL loadURL was given (there is no loadFile: pages come from app://, never from file://). */
  loaded: string | null = null;
  constructor(readonly options: { webPreferences: Record<string, unknown> }) {
    super();
    fake.windows.push(this);
  }
  static fromWebContents(contents: FakeWebContents): FakeBrowserWindow | null {
    return fake.windows.find((w) => w.webContents === contents) ?? null;
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  setBounds(b: unknown): void {
    this.bounds = b;
  }
  show(): void {
    this.visible = true;
  }
  /** Shown without taking focus (the overlay). */
  showInactive(): void {
    this.visible = true;
  }
  setAlwaysOnTop(): void {
    /* options record it */
  }
  setVisibleOnAllWorkspaces(): void {
    /* ditto */
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    /* nothing to focus */
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return false;
  }
}
export { FakeBrowserWindow as BrowserWindow };

export const screen = {
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 27, width: 1920, height: 1053 } }),
  getDisplayMatching: () => ({ workArea: { x: 0, y: 27, width: 1920, height: 1053 } }),
};
