import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Session, WebContents } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/windowPolicy';
import { AppWindows, hardenContents, hardenSession, serveRenderer } from '../../../electron/main/windows';

// windows.ts wires windowPolicy's decisions onto Electron's hooks. No Electron binary runs here, so these
// fakes stand in for WebContents, Session and BrowserWindow: they record the handlers and the test calls
// them as Electron would (windowPolicy.test.ts covers the decisions themselves, appProtocol.test.ts the
// app:// handler).
const windows = vi.hoisted(() => ({
  loaded: [] as string[],
  options: [] as Record<string, unknown>[],
  /** What was done to each window, in order: "1:showInactive", "2:focus", … */
  calls: [] as string[],
}));
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class Window extends Emitter {
    readonly id = windows.loaded.length + 1;
    readonly webContents = Object.assign(new Emitter(), { setWindowOpenHandler: () => undefined });
    constructor(options: Record<string, unknown>) {
      super();
      windows.options.push(options);
    }
    loadURL(url: string): Promise<void> {
      windows.loaded.push(url);
      return Promise.resolve();
    }
    private visible = false;
    show(): void {
      this.visible = true;
      windows.calls.push(`${this.id}:show`);
    }
    showInactive(): void {
      this.visible = true;
      windows.calls.push(`${this.id}:showInactive`);
    }
    hide(): void {
      this.visible = false;
      windows.calls.push(`${this.id}:hide`);
    }
    focus(): void {
      windows.calls.push(`${this.id}:focus`);
    }
    isVisible(): boolean {
      return this.visible;
    }
    isDestroyed(): boolean {
      return false;
    }
    setBounds(b: object): void {
      windows.calls.push(`${this.id}:setBounds ${JSON.stringify(b)}`);
    }
    setAlwaysOnTop(): void {
      /* recorded through the options */
    }
    setVisibleOnAllWorkspaces(): void {
      /* ditto */
    }
  }
  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
  return { BrowserWindow: Window, screen: { getPrimaryDisplay: () => display } };
});

const PAGE = 'app://swictation/index.html';
const OWN = `${PAGE}?view=popover`;

class FakeContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }): void {
    this.openHandler = fn;
  }
  getURL(): string {
    return OWN;
  }
}

/** Emit an Electron event the way Electron does and say whether the handler cancelled it. */
function cancelled(contents: FakeContents, name: string, ...args: unknown[]): boolean {
  const preventDefault = vi.fn();
  contents.emit(name, { preventDefault }, ...args);
  return preventDefault.mock.calls.length > 0;
}

type PermissionRequest = (c: unknown, p: string, cb: (ok: boolean) => void, d: object) => void;
type Check = (c: unknown, p: string, origin: string, d: object) => boolean;
type BeforeRequest = (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
type Headers = (
  d: { responseHeaders?: Record<string, string[]> },
  cb: (r: { responseHeaders: Record<string, string[]> }) => void,
) => void;

interface SessionHandlers {
  request?: PermissionRequest;
  protocol?: { scheme: string; handler: (request: Request) => Promise<Response> };
  check?: Check;
  beforeRequest?: BeforeRequest;
  headers?: Headers;
}

function fakeSession() {
  const handlers: SessionHandlers = {};
  const session = {
    setPermissionRequestHandler: (fn: PermissionRequest) => void (handlers.request = fn),
    setPermissionCheckHandler: (fn: Check) => void (handlers.check = fn),
    webRequest: {
      onBeforeRequest: (fn: BeforeRequest) => void (handlers.beforeRequest = fn),
      onHeadersReceived: (fn: Headers) => void (handlers.headers = fn),
    },
    protocol: {
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        void (handlers.protocol = { scheme, handler }),
    },
  };
  const get = <K extends keyof SessionHandlers>(name: K): NonNullable<SessionHandlers[K]> => {
    const fn = handlers[name];
    if (!fn) throw new Error(`hardenSession set no ${name} handler`);
    return fn;
  };
  return { session: session as unknown as Session, get };
}

describe('hardenContents', () => {
  const contents = new FakeContents();
  hardenContents(contents as unknown as WebContents);

  it('will-navigate: our page (any view or hash) goes ahead; anything else is cancelled', () => {
    expect(cancelled(contents, 'will-navigate', `${PAGE}?view=settings#history`)).toBe(false);
    expect(cancelled(contents, 'will-navigate', 'app://swictation/assets/other.html')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'app://evil/index.html')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'http://127.0.0.1:5173/')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'file:///opt/swictation/out/renderer/index.html')).toBe(true);
  });

  it('redirects and <webview> attachment are always cancelled; window.open is denied', () => {
    expect(cancelled(contents, 'will-redirect', OWN)).toBe(true);
    expect(cancelled(contents, 'will-attach-webview', {}, { src: OWN })).toBe(true);
    expect(contents.openHandler?.({ url: OWN })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  const { session, get } = fakeSession();
  hardenSession(session);
  const contents = new FakeContents();

  it('permission requests: the microphone for our page only', () => {
    const ask = (permission: string, details: object) => {
      const callback = vi.fn();
      get('request')(contents, permission, callback, details);
      return callback.mock.calls;
    };
    expect(ask('media', { requestingUrl: OWN, mediaTypes: ['audio'] })).toEqual([[true]]);
    expect(ask('media', { requestingUrl: OWN, mediaTypes: ['audio', 'video'] })).toEqual([[false]]);
    expect(ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] })).toEqual([
      [false],
    ]);
    // An empty requesting URL falls back to the contents' own page.
    expect(ask('media', { requestingUrl: '', mediaTypes: ['audio'] })).toEqual([[true]]);
    expect(ask('notifications', { requestingUrl: OWN })).toEqual([[false]]);
    expect(ask('openExternal', { requestingUrl: OWN })).toEqual([[false]]);
  });

  it('permission checks: the exact app://swictation origin decides', () => {
    const check = get('check');
    expect(check(contents, 'media', 'app://swictation', { mediaType: 'audio' })).toBe(true);
    expect(check(contents, 'media', 'app://swictation/', { requestingUrl: OWN, mediaType: 'audio' })).toBe(
      true,
    );
    expect(check(contents, 'media', 'app://swictation', { requestingUrl: OWN, mediaType: 'video' })).toBe(
      false,
    );
    // The origin, not a frame URL beside it: file:// has no claim any more.
    expect(check(contents, 'media', 'file:///', { requestingUrl: OWN, mediaType: 'audio' })).toBe(false);
    expect(check(contents, 'media', 'app://evil', { mediaType: 'audio' })).toBe(false);
    expect(check(contents, 'media', 'app://swictation:1', { mediaType: 'audio' })).toBe(false);
    expect(check(contents, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(check(contents, 'geolocation', 'app://swictation', { requestingUrl: OWN })).toBe(false);
  });

  it('requests: only our app:// origin and data:/blob: load; file:// never does', () => {
    const load = (url: string) => {
      const callback = vi.fn();
      get('beforeRequest')({ url }, callback);
      return callback.mock.calls;
    };
    expect(load('app://swictation/assets/index.js')).toEqual([[{ cancel: false }]]);
    expect(load('data:image/png;base64,AAAA')).toEqual([[{ cancel: false }]]);
    expect(load('app://evil/assets/index.js')).toEqual([[{ cancel: true }]]);
    expect(load('https://cdn.example/x.js')).toEqual([[{ cancel: true }]]);
    expect(load('ws://127.0.0.1:9000/engine')).toEqual([[{ cancel: true }]]);
    expect(load('file:///opt/swictation/out/renderer/assets/index.js')).toEqual([[{ cancel: true }]]);
    expect(load('file:///home/user/.ssh/id_ed25519')).toEqual([[{ cancel: true }]]);
  });

  it('responses with headers get the CSP header', () => {
    const callback = vi.fn();
    get('headers')({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback.mock.calls).toEqual([
      [
        {
          responseHeaders: {
            'Content-Type': ['text/html'],
            'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
          },
        },
      ],
    ]);
  });
});

describe('serveRenderer', () => {
  let dir: string | null = null;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('app:// is handled on the given session, from the renderer folder it was given', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'swictation-serve-'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>ours</title>');
    const { session, get } = fakeSession();
    serveRenderer(session, dir);
    const { scheme, handler } = get('protocol');
    expect(scheme).toBe('app');
    const page = await handler(new Request(OWN));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ours</title>');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await handler(new Request('app://swictation/../../etc/passwd'))).status).toBe(404);
  });
});

describe('AppWindows', () => {
  it('loads app://swictation/index.html with the view, never a file, on the default session', () => {
    const appWindows = new AppWindows({ preload: '/opt/swictation/out/app/preload/index.cjs' });
    appWindows.showSettings();
    expect(windows.loaded).toEqual(['app://swictation/index.html?view=settings']);
    // No partition or session of its own: the default session is the one index.ts serves and hardens.
    const prefs = windows.options[0]?.['webPreferences'] as Record<string, unknown>;
    expect(prefs).not.toHaveProperty('partition');
    expect(prefs).not.toHaveProperty('session');
  });
});

describe('AppWindows: the recording overlay', () => {
  it('is made ahead, hidden and unfocusable; shown without focus while dictating; hidden after', () => {
    windows.loaded.length = 0;
    windows.options.length = 0;
    windows.calls.length = 0;
    const appWindows = new AppWindows({ preload: '/p/preload.cjs' });
    appWindows.prepareOverlay();
    expect(windows.loaded).toEqual(['app://swictation/index.html?view=overlay']);
    expect(windows.options[0]).toMatchObject({
      show: false,
      focusable: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      frame: false,
      width: 420,
      height: 64,
    });
    expect(windows.calls).toEqual([]);
    appWindows.setOverlayVisible(true);
    appWindows.setOverlayVisible(true); // already shown: not moved or shown again
    appWindows.setOverlayVisible(false);
    const id = windows.calls[0]?.split(':')[0] ?? '';
    expect(windows.calls).toEqual([
      `${id}:setBounds {"x":750,"y":928,"width":420,"height":64}`,
      `${id}:showInactive`,
      `${id}:hide`,
    ]);
    expect(windows.calls.some((c) => c.endsWith(':focus') || c.endsWith(':show'))).toBe(false);
  });

  it('gets no microphone: the permission handlers refuse its contents, the popover’s still pass', () => {
    const { session, get } = fakeSession();
    const overlay = new FakeContents();
    hardenSession(session, (c) => c === (overlay as unknown));
    const popover = new FakeContents();
    const ask = (contents: FakeContents) => {
      let granted: boolean | null = null;
      get('request')(contents, 'media', (ok: boolean) => (granted = ok), {
        mediaTypes: ['audio'],
        requestingUrl: OWN,
      });
      return granted;
    };
    expect([ask(popover), ask(overlay)]).toEqual([true, false]);
    const check = (contents: FakeContents) =>
      get('check')(contents, 'media', 'app://swictation', { mediaType: 'audio' });
    expect([check(popover), check(overlay)]).toEqual([true, false]);
  });
});
