import { BrowserWindow, screen, type Rectangle, type Session, type WebContents } from 'electron';
import { handleAppRequest } from './appProtocol';
import {
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  OVERLAY_SIZE,
  POPOVER_SIZE,
  isAllowedRequest,
  isOwnPage,
  isPermissionAllowed,
  overlayBounds,
  pageUrl,
  popoverBounds,
  secureWebPreferences,
} from './windowPolicy';

/**
 * The tray popover, the settings window and the recording overlay: thin wiring of windowPolicy's decisions
 * onto real BrowserWindows. All show the one renderer page, app://swictation/index.html; `?view=` picks
 * what it draws.
 */
export interface WindowPaths {
  preload: string;
}

export type View = 'popover' | 'settings' | 'overlay';

export class AppWindows {
  private popover: BrowserWindow | null = null;
  private settings: BrowserWindow | null = null;
  private overlay: BrowserWindow | null = null;
  private readonly closedListeners = new Set<(id: number, view: View) => void>();

  constructor(private readonly paths: WindowPaths) {}

  /** Show the popover near the tray (top-right of the work area where the tray has no bounds). */
  showPopover(trayBounds: Rectangle | null = null): void {
    const win = (this.popover ??= this.create('popover', {
      ...POPOVER_SIZE,
      frame: false,
      resizable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      title: 'Swictation',
    }));
    const display = trayBounds ? screen.getDisplayMatching(trayBounds) : screen.getPrimaryDisplay();
    win.setBounds(popoverBounds(trayBounds, display.workArea));
    win.show();
    win.focus();
  }

  togglePopover(trayBounds: Rectangle | null = null): void {
    if (this.popover?.isVisible()) this.popover.hide();
    else this.showPopover(trayBounds);
  }

  showSettings(): void {
    const win = (this.settings ??= this.create('settings', {
      width: 760,
      height: 680,
      minWidth: 520,
      minHeight: 480,
      title: 'Swictation settings',
    }));
    win.show();
    win.focus();
  }

  /**
   * The overlay's window, made hidden ahead of its first use: the engine does not repeat a `dictation`
   * event, so the page must be connected before dictation starts to know it is listening and since when.
   */
  prepareOverlay(): void {
    this.overlay ??= this.create('overlay', {
      ...OVERLAY_SIZE,
      frame: false,
      transparent: true,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      hasShadow: false,
      alwaysOnTop: true,
      // Never the key window: what the user dictates goes to the window they were typing in.
      focusable: false,
      title: 'Swictation — dictating',
    });
  }

  /** Show (without taking focus) or hide the overlay. */
  setOverlayVisible(visible: boolean): void {
    if (!visible) {
      this.overlay?.hide();
      return;
    }
    this.prepareOverlay();
    const win = this.overlay;
    if (!win || win.isVisible()) return;
    win.setBounds(overlayBounds(screen.getPrimaryDisplay().workArea));
    // Above full-screen editors too; 'screen-saver' is the level that stays over them on macOS.
    win.setAlwaysOnTop(true, 'screen-saver');
    win.setVisibleOnAllWorkspaces(true);
    win.showInactive();
  }

  /** The overlay draws state only: it has no use for the microphone (hardenSession asks this). */
  isOverlay(contents: WebContents): boolean {
    return this.overlay !== null && !this.overlay.isDestroyed() && this.overlay.webContents === contents;
  }

  /** The window that owns these webContents, if it is one of ours. */
  fromWebContents(contents: WebContents): BrowserWindow | null {
    const id = BrowserWindow.fromWebContents(contents)?.id;
    if (id === undefined) return null;
    return [this.popover, this.settings, this.overlay].find((w) => w?.id === id) ?? null;
  }

  onClosed(listener: (id: number, view: View) => void): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  private create(view: View, options: Electron.BrowserWindowConstructorOptions): BrowserWindow {
    const win = new BrowserWindow({
      ...options,
      show: false,
      webPreferences: secureWebPreferences(this.paths.preload),
    });
    const id = win.id;
    hardenContents(win.webContents);
    if (view === 'popover') {
      // A popover closes when the user clicks elsewhere, like the desktop's own tray menus.
      win.on('blur', () => {
        if (!win.webContents.isDevToolsOpened()) win.hide();
      });
    }
    win.on('closed', () => {
      if (view === 'popover') this.popover = null;
      else if (view === 'overlay') this.overlay = null;
      else this.settings = null;
      for (const l of this.closedListeners) l(id, view);
    });
    void win.loadURL(pageUrl(view));
    return win;
  }
}

/** No navigation away from our page, no new windows, no webviews. */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Serve the renderer folder as app://swictation on the session our windows use. The handler reads the
 * files itself, so no page ever needs file:// (and its fuse stays off).
 */
export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, rendererDir));
}

/**
 * Session-wide rules: only the microphone may be granted, only to our origin, and not to the contents
 * `withoutMicrophone` names (the overlay); only our app:// origin (and data:/blob:) may load; a CSP header is
 * added where responses have headers.
 */
export function hardenSession(
  session: Session,
  withoutMicrophone: (contents: WebContents) => boolean = () => false,
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(
      !withoutMicrophone(contents) &&
        isPermissionAllowed(permission, details.requestingUrl || contents.getURL(), mediaTypes),
    );
  });
  session.setPermissionCheckHandler((contents, permission, requestingOrigin, details) => {
    if (contents && withoutMicrophone(contents)) return false;
    const mediaType = details.mediaType;
    return isPermissionAllowed(permission, requestingOrigin, mediaType ? [mediaType] : undefined);
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
