import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The security and placement decisions for our windows, as pure functions (windows.ts applies
 * them to real BrowserWindows). Local content only: the renderer is out/renderer/index.html and
 * nothing else may load, navigate, open windows, or ask for permissions other than the microphone.
 */

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
 * (minus the loopback WebSocket only the browser harness needs). file:// responses carry no headers,
 * so the meta tag is what applies in the app; this header covers any response that has headers.
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
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Our page: the renderer's index.html, whatever its query or hash (the view is chosen there). */
export function isOwnPage(url: string | null | undefined, rendererIndex: string): boolean {
  const file = filePath(parse(url));
  return file !== null && path.resolve(file) === path.resolve(rendererIndex);
}

/** The local path of a file: URL; null for other URLs and for ones no local path has (file://host/…, %2F). */
function filePath(u: URL | null): string | null {
  if (!u || u.protocol !== 'file:') return null;
  try {
    return fileURLToPath(u);
  } catch {
    return null;
  }
}

/** Any request a page may make: files inside the renderer folder, data:/blob: and devtools. */
export function isAllowedRequest(url: string, rendererDir: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:') return true;
  const local = filePath(u);
  if (local === null) return false;
  const file = path.resolve(local);
  const root = path.resolve(rendererDir);
  return file === root || file.startsWith(root + path.sep);
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
export function isTrustedSender(sender: IpcSender, rendererIndex: string): boolean {
  return sender.isOurWindow && sender.isMainFrame && isOwnPage(sender.frameUrl, rendererIndex);
}

/**
 * Permission requests: only the microphone ('media' with audio only; no camera, no screen) and
 * only for our own page. Everything else (notifications, geolocation, …) is denied.
 */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | null | undefined,
  mediaTypes: readonly string[] | undefined,
  rendererIndex: string,
): boolean {
  if (permission !== 'media') return false;
  if (!isOwnPage(requestingUrl, rendererIndex)) return false;
  return (mediaTypes ?? []).every((t) => t === 'audio');
}

export function rendererUrl(rendererIndex: string): string {
  return pathToFileURL(rendererIndex).href;
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
