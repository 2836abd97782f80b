import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  POPOVER_SIZE,
  isAllowedRequest,
  isAppOrigin,
  isOwnPage,
  isPermissionAllowed,
  isTrustedSender,
  overlayBounds,
  overlayWanted,
  pageUrl,
  popoverBounds,
  secureWebPreferences,
} from '../../../electron/main/windowPolicy';

// Written out by hand, not computed by the code under test.
const PAGE = 'app://swictation/index.html';

describe('window security policy', () => {
  it('every window is isolated, sandboxed, without Node, with web security', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });

  it('windows load our page from app://swictation, with the view in the query', () => {
    expect(pageUrl('popover')).toBe(`${PAGE}?view=popover`);
    expect(pageUrl('settings')).toBe(`${PAGE}?view=settings`);
    expect(APP_ORIGIN).toBe('app://swictation');
  });

  it('our page is app://swictation/index.html, with any query or hash, and nothing else', () => {
    expect(isOwnPage(PAGE)).toBe(true);
    expect(isOwnPage(`${PAGE}?view=settings#x`)).toBe(true);
    expect(isOwnPage('app://swictation/./index.html')).toBe(true); // the URL parser resolves dot segments
    expect(isOwnPage('app://swictation/other.html')).toBe(false);
    expect(isOwnPage('app://swictation/')).toBe(false);
    expect(isOwnPage('app://evil/index.html')).toBe(false);
    expect(isOwnPage('app://swictation.evil.example/index.html')).toBe(false);
    expect(isOwnPage('app://swictation:8080/index.html')).toBe(false);
    expect(isOwnPage('app://user@swictation/index.html')).toBe(false);
    expect(isOwnPage('evil://swictation/index.html')).toBe(false);
    // file:// is no longer our page, not even the renderer's own file.
    expect(isOwnPage('file:///opt/swictation/out/renderer/index.html')).toBe(false);
    expect(isOwnPage('https://example.com/index.html')).toBe(false);
    expect(isOwnPage('not a url')).toBe(false);
    expect(isOwnPage(null)).toBe(false);
  });

  it('our origin is compared exactly: scheme and host, no port, no credentials', () => {
    expect(isAppOrigin('app://swictation')).toBe(true);
    expect(isAppOrigin('app://swictation/')).toBe(true);
    expect(isAppOrigin(`${PAGE}?view=popover`)).toBe(true);
    expect(isAppOrigin('app://swictation:1')).toBe(false);
    expect(isAppOrigin('app://swictationx')).toBe(false);
    expect(isAppOrigin('app://x:y@swictation')).toBe(false);
    expect(isAppOrigin('https://swictation')).toBe(false);
    expect(isAppOrigin('file:///')).toBe(false);
    expect(isAppOrigin('null')).toBe(false);
    expect(isAppOrigin(undefined)).toBe(false);
  });

  it('IPC is accepted only from the main frame of our window showing our page', () => {
    const ok = { frameUrl: `${PAGE}?view=popover`, isMainFrame: true, isOurWindow: true };
    expect(isTrustedSender(ok)).toBe(true);
    expect(isTrustedSender({ ...ok, isOurWindow: false })).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://swictation/assets/other.html' })).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'file:///opt/swictation/out/renderer/index.html' })).toBe(
      false,
    );
    expect(isTrustedSender({ ...ok, frameUrl: null })).toBe(false);
  });

  it('grants the microphone to our page only: no camera, no other permission, no other page', () => {
    expect(isPermissionAllowed('media', PAGE, ['audio'])).toBe(true);
    expect(isPermissionAllowed('media', PAGE, ['audio', 'video'])).toBe(false);
    expect(isPermissionAllowed('media', 'https://evil.example/', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://evil', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'file:///', ['audio'])).toBe(false);
    expect(isPermissionAllowed('geolocation', PAGE, undefined)).toBe(false);
    expect(isPermissionAllowed('notifications', PAGE, undefined)).toBe(false);
  });

  it('media with no media type named is refused, even for our own page', () => {
    expect(isPermissionAllowed('media', PAGE, undefined)).toBe(false);
    expect(isPermissionAllowed('media', 'app://swictation', [])).toBe(false);
    expect(isPermissionAllowed('media', 'app://swictation', ['audio'])).toBe(true);
  });

  it('loads our app:// origin only: no file://, no network', () => {
    expect(isAllowedRequest('app://swictation/assets/app.js')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('blob:app://swictation/0b7c6e1a-5c1e-4f0e-9a43-2d7f3b8c1d22')).toBe(true);
    expect(isAllowedRequest('blob:https://evil.example/0b7c6e1a')).toBe(false);
    expect(isAllowedRequest('app://evil/x.js')).toBe(false);
    expect(isAllowedRequest('https://cdn.example/x.js')).toBe(false);
    expect(isAllowedRequest('http://127.0.0.1:5173/')).toBe(false);
    expect(isAllowedRequest('ws://127.0.0.1:9000/engine')).toBe(false);
    expect(isAllowedRequest('file:///opt/swictation/out/renderer/index.html')).toBe(false);
    expect(isAllowedRequest('file:///etc/passwd')).toBe(false);
    expect(isAllowedRequest('not a url')).toBe(false);
  });

  it('has a strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self';/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
  });
});

describe('popoverBounds', () => {
  const workArea = { x: 0, y: 27, width: 1920, height: 1053 };
  const { width, height } = POPOVER_SIZE;

  it('Linux (no tray bounds): top-right corner of the work area', () => {
    expect(popoverBounds(null, workArea)).toEqual({ x: 1920 - width - 8, y: 35, width, height });
    expect(popoverBounds({ x: 0, y: 0, width: 0, height: 0 }, workArea)).toEqual(
      popoverBounds(null, workArea),
    );
  });

  it('a top panel: centred under the icon', () => {
    const b = popoverBounds({ x: 1500, y: 0, width: 24, height: 24 }, workArea);
    expect(b).toEqual({ x: 1512 - width / 2, y: 27 + 8, width, height }); // the panel's height is outside the work area
  });

  it('a bottom taskbar: above the icon, kept inside the work area', () => {
    const wa = { x: 0, y: 0, width: 1920, height: 1040 };
    const b = popoverBounds({ x: 1900, y: 1044, width: 20, height: 36 }, wa);
    expect(b).toEqual({ x: 1920 - width - 8, y: 1040 - height - 8, width, height });
  });
});

describe('the recording overlay', () => {
  it('sits at the bottom centre of the work area, above the taskbar', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    expect(overlayBounds(workArea)).toEqual({ x: 750, y: 1040 - 64 - 48, width: 420, height: 64 });
    // A second display to the right, with a top panel.
    expect(overlayBounds({ x: 1920, y: 32, width: 2560, height: 1408 })).toEqual({
      x: 1920 + 1070,
      y: 32 + 1408 - 64 - 48,
      width: 420,
      height: 64,
    });
  });

  it('is wanted while listening and transcribing, not once dictation stopped', () => {
    expect([overlayWanted('idle'), overlayWanted('listening'), overlayWanted('transcribing')]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
