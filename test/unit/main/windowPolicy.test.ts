import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  POPOVER_SIZE,
  isAllowedRequest,
  isOwnPage,
  isPermissionAllowed,
  isTrustedSender,
  popoverBounds,
  secureWebPreferences,
} from '../../../electron/main/windowPolicy';

const INDEX = path.resolve('/opt/swictation/out/renderer/index.html');
const url = (p: string) => pathToFileURL(p).href;

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

  it('our page is the renderer index, with any query or hash', () => {
    expect(isOwnPage(url(INDEX), INDEX)).toBe(true);
    expect(isOwnPage(`${url(INDEX)}?view=settings#x`, INDEX)).toBe(true);
    expect(isOwnPage(url('/opt/swictation/out/renderer/other.html'), INDEX)).toBe(false);
    expect(isOwnPage('https://example.com/', INDEX)).toBe(false);
    expect(isOwnPage('not a url', INDEX)).toBe(false);
    expect(isOwnPage(null, INDEX)).toBe(false);
  });

  it('IPC is accepted only from the main frame of our window showing our page', () => {
    const ok = { frameUrl: url(INDEX), isMainFrame: true, isOurWindow: true };
    expect(isTrustedSender(ok, INDEX)).toBe(true);
    expect(isTrustedSender({ ...ok, isOurWindow: false }, INDEX)).toBe(false);
    expect(isTrustedSender({ ...ok, isMainFrame: false }, INDEX)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, INDEX)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: null }, INDEX)).toBe(false);
  });

  it('grants the microphone to our page only: no camera, no other permission, no other page', () => {
    expect(isPermissionAllowed('media', url(INDEX), ['audio'], INDEX)).toBe(true);
    expect(isPermissionAllowed('media', url(INDEX), undefined, INDEX)).toBe(true); // a check, not a request
    expect(isPermissionAllowed('media', url(INDEX), ['audio', 'video'], INDEX)).toBe(false);
    expect(isPermissionAllowed('media', 'https://evil.example/', ['audio'], INDEX)).toBe(false);
    expect(isPermissionAllowed('geolocation', url(INDEX), undefined, INDEX)).toBe(false);
    expect(isPermissionAllowed('notifications', url(INDEX), undefined, INDEX)).toBe(false);
  });

  it('loads local renderer files only', () => {
    const dir = path.dirname(INDEX);
    expect(isAllowedRequest(url(path.join(dir, 'assets/app.js')), dir)).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA', dir)).toBe(true);
    expect(isAllowedRequest('https://cdn.example/x.js', dir)).toBe(false);
    expect(isAllowedRequest('http://127.0.0.1:5173/', dir)).toBe(false);
    expect(isAllowedRequest(url('/etc/passwd'), dir)).toBe(false);
    expect(isAllowedRequest(url(`${dir}-evil/x.js`), dir)).toBe(false);
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
