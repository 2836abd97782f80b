import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/windowPolicy';
import { hardenContents, hardenSession } from '../../../electron/main/windows';

// windows.ts wires windowPolicy's decisions onto Electron's hooks. No Electron binary runs here, so these
// fakes stand in for WebContents and Session: they record the handlers and the test calls them as Electron
// would (windowPolicy.test.ts covers the decisions themselves).
vi.mock('electron', () => ({ BrowserWindow: {}, screen: {} }));

const INDEX = path.resolve('/opt/swictation/out/renderer/index.html');
const OWN = `${pathToFileURL(INDEX).href}?view=popover`;

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

type Request = (c: unknown, p: string, cb: (ok: boolean) => void, d: object) => void;
type Check = (c: unknown, p: string, origin: string, d: object) => boolean;
type BeforeRequest = (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
type Headers = (
  d: { responseHeaders?: Record<string, string[]> },
  cb: (r: { responseHeaders: Record<string, string[]> }) => void,
) => void;

interface SessionHandlers {
  request?: Request;
  check?: Check;
  beforeRequest?: BeforeRequest;
  headers?: Headers;
}

function fakeSession() {
  const handlers: SessionHandlers = {};
  const session = {
    setPermissionRequestHandler: (fn: Request) => void (handlers.request = fn),
    setPermissionCheckHandler: (fn: Check) => void (handlers.check = fn),
    webRequest: {
      onBeforeRequest: (fn: BeforeRequest) => void (handlers.beforeRequest = fn),
      onHeadersReceived: (fn: Headers) => void (handlers.headers = fn),
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
  hardenContents(contents as unknown as WebContents, INDEX);

  it('will-navigate: our page (any view or hash) goes ahead; anything else is cancelled', () => {
    expect(cancelled(contents, 'will-navigate', `${pathToFileURL(INDEX).href}?view=settings#history`)).toBe(
      false,
    );
    expect(cancelled(contents, 'will-navigate', 'https://example.com/')).toBe(true);
    expect(cancelled(contents, 'will-navigate', 'http://127.0.0.1:5173/')).toBe(true);
    expect(cancelled(contents, 'will-navigate', pathToFileURL('/etc/passwd').href)).toBe(true);
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
  hardenSession(session, INDEX);
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

  it('permission checks: the frame URL decides, not the opaque file:// origin', () => {
    const check = get('check');
    expect(check(contents, 'media', 'file:///', { requestingUrl: OWN, mediaType: 'audio' })).toBe(true);
    expect(check(contents, 'media', 'file:///', { requestingUrl: OWN, mediaType: 'video' })).toBe(false);
    expect(check(contents, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(check(contents, 'geolocation', 'file:///', { requestingUrl: OWN })).toBe(false);
  });

  it('requests: only the renderer folder and data:/blob: load', () => {
    const load = (url: string) => {
      const callback = vi.fn();
      get('beforeRequest')({ url }, callback);
      return callback.mock.calls;
    };
    const dir = path.dirname(INDEX);
    expect(load(pathToFileURL(path.join(dir, 'assets/index.js')).href)).toEqual([[{ cancel: false }]]);
    expect(load('data:image/png;base64,AAAA')).toEqual([[{ cancel: false }]]);
    expect(load('https://cdn.example/x.js')).toEqual([[{ cancel: true }]]);
    expect(load('ws://127.0.0.1:9000/engine')).toEqual([[{ cancel: true }]]);
    expect(load(pathToFileURL('/home/user/.ssh/id_ed25519').href)).toEqual([[{ cancel: true }]]);
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
