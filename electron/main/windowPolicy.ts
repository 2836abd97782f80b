/**
 * The security and placement decisions for our windows, as pure functions (windows.ts applies
 * them to real BrowserWindows). Local content only: the renderer is served as
 * app://swictation/index.html (appProtocol.ts) and nothing else may load, navigate, open windows,
 * or ask for permissions other than the microphone.
 */

/** Our scheme and its one host: the page's origin is app://swictation, a real (tuple) origin. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'swictation';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
const PAGE_PATH = '/index.html';

/** What a window loads: our page, with the view it draws. */
export function pageUrl(view: string): string {
  return `${APP_ORIGIN}${PAGE_PATH}?view=${encodeURIComponent(view)}`;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The webPreferences every window gets (the preload is the only bridge to main). */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  } as const;
}

/**
 * The renderer's policy, as renderer/index.html's <meta http-equiv="Content-Security-Policy"> has it
 * (minus the loopback WebSocket only the browser harness needs), plus frame-ancestors, which only a
 * header can carry. The app:// handler sends it with every response; both policies apply.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' mediastream:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string | null | undefined): URL | null {
  // Callers pass what Electron hands over; new URL() would stringify a non-string (['app://…'] included).
  if (typeof url !== 'string' || url === '') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL or an origin (`app://swictation`, with or without a trailing slash) is ours, compared
 * exactly: scheme and host, no port, no credentials. Node's URL gives `null` as the origin of schemes
 * it does not know, so the parts are compared instead.
 */
export function isAppOrigin(url: string | null | undefined): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.host === APP_HOST &&
    u.username === '' &&
    u.password === ''
  );
}

/** Our page: app://swictation/index.html, whatever its query or hash (the view is chosen there). */
export function isOwnPage(url: string | null | undefined): boolean {
  return isAppOrigin(url) && parse(url)?.pathname === PAGE_PATH;
}

/**
 * Any request a page may make: our origin (the app:// handler keeps it inside the renderer folder),
 * data:, blob: URLs our page made, and devtools. Everything else, file: included, is cancelled.
 */
export function isAllowedRequest(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:' || u.protocol === 'devtools:') return true;
  // A blob: URL carries the origin that made it: blob:app://swictation/<uuid>.
  if (u.protocol === 'blob:') return isAppOrigin(u.pathname);
  return isAppOrigin(url);
}

export interface IpcSender {
  /** event.senderFrame?.url (null when the frame is gone). */
  frameUrl: string | null | undefined;
  /** The frame is its page's main frame (not an iframe). */
  isMainFrame: boolean;
  /** event.sender belongs to one of our windows. */
  isOurWindow: boolean;
}

/** Every IPC message is checked: our window, its main frame, showing our page. */
export function isTrustedSender(sender: IpcSender): boolean {
  return sender.isOurWindow && sender.isMainFrame && isOwnPage(sender.frameUrl);
}

/**
 * Permissions: only the microphone ('media' with audio only; no camera, no screen) and only for our
 * origin, decided by the exact origin as Chromium does. Everything else (notifications, geolocation, …)
 * is denied.
 */
export function isPermissionAllowed(
  permission: string,
  requester: string | null | undefined,
  mediaTypes: readonly string[] | undefined,
): boolean {
  if (permission !== 'media') return false;
  if (!isAppOrigin(requester)) return false;
  // No media type named is not "audio only": an empty list would pass `every` and grant the camera too.
  return mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio');
}

export const POPOVER_SIZE = { width: 380, height: 580 };

/**
 * Where the popover goes: next to the tray icon where the platform reports its bounds (under it
 * for a top panel, above it for a bottom taskbar), kept inside the work area. Linux reports no
 * tray bounds (zero rectangle): the top-right corner of the work area, where indicators live.
 */
export function popoverBounds(
  tray: Rect | null,
  workArea: Rect,
  size: { width: number; height: number } = POPOVER_SIZE,
  margin = 8,
): Rect {
  const { width, height } = size;
  const clampX = (x: number) =>
    Math.max(workArea.x + margin, Math.min(x, workArea.x + workArea.width - width - margin));
  const clampY = (y: number) =>
    Math.max(workArea.y + margin, Math.min(y, workArea.y + workArea.height - height - margin));
  if (!tray || tray.width <= 0 || tray.height <= 0) {
    return { x: clampX(workArea.x + workArea.width - width - margin), y: workArea.y + margin, width, height };
  }
  const trayCenterY = tray.y + tray.height / 2;
  const below = trayCenterY < workArea.y + workArea.height / 2;
  const x = clampX(Math.round(tray.x + tray.width / 2 - width / 2));
  const y = clampY(below ? tray.y + tray.height + margin : tray.y - height - margin);
  return { x, y, width, height };
}

/** The recording overlay: a pill wide enough for the state, the meter, the time and the stop hint. */
export const OVERLAY_SIZE = { width: 420, height: 64 };

/**
 * The overlay sits at the bottom centre of the work area, above the taskbar, where a glance finds it and
 * it covers the least of what is being typed into (usually the top and middle of a window).
 */
export function overlayBounds(workArea: Rect, size = OVERLAY_SIZE, margin = 48): Rect {
  return {
    x: Math.round(workArea.x + (workArea.width - size.width) / 2),
    y: workArea.y + workArea.height - size.height - margin,
    width: size.width,
    height: size.height,
  };
}

/** Shown while the engine listens or transcribes the last words; hidden once dictation has stopped. */
export function overlayWanted(dictation: 'idle' | 'listening' | 'transcribing'): boolean {
  return dictation !== 'idle';
}
