/**
 * Defence in depth beside main's will-navigate and window-open handlers: the page itself refuses to
 * leave the app. Whatever injected code or a stray link tries (location.assign, location.href, a link
 * to another site, window.open, a link with a target), the window stays on our page; the hash routes
 * (#settings, #history) still navigate because they stay inside it.
 */

// TypeScript 5.9's DOM lib has no Navigation API types: the little this module uses, declared here.
interface NavigateEventLike extends Event {
  readonly destination: { readonly url: string };
}

interface NavigationLike {
  addEventListener(type: 'navigate', listener: (event: NavigateEventLike) => void): void;
}

/**
 * Whether `destination` stays inside the app at `current`: the same scheme and host (with its port), which
 * is the origin for http(s) and app://swictation alike. Scheme and host are compared rather than `origin`
 * because URL parsers outside Chromium call the origin of an app: URL "null", which would match any other.
 * A file:// URL has no host to tell pages apart, so there it must be the same file.
 */
export function staysInApp(destination: string, current: string): boolean {
  let to: URL;
  let from: URL;
  try {
    to = new URL(destination, current);
    from = new URL(current);
  } catch {
    return false;
  }
  if (to.protocol !== from.protocol || to.host !== from.host) return false;
  return from.protocol !== 'file:' || to.pathname === from.pathname;
}

/**
 * A link click that would open another browsing context: a target (popup, tab, named frame), a middle
 * click, or a modifier (Ctrl/Cmd/Shift-click opens a new tab or window).
 */
function opensElsewhere(link: HTMLAnchorElement | HTMLAreaElement, event: MouseEvent): boolean {
  const target = link.target.trim().toLowerCase();
  if (target !== '' && target !== '_self') return true;
  return event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey;
}

function navigationOf(win: Window): NavigationLike | null {
  const candidate: unknown = Reflect.get(win, 'navigation');
  return typeof candidate === 'object' && candidate !== null && 'addEventListener' in candidate
    ? (candidate as NavigationLike)
    : null;
}

/** Install the guard on a window (once, before anything else runs in the page). */
export function installNavigationGuard(win: Window): void {
  const navigation = navigationOf(win);
  // Browser-initiated navigations (the address bar, back across documents) are not cancelable: main's
  // will-navigate handler is the gate for those in the app.
  navigation?.addEventListener('navigate', (event) => {
    if (event.cancelable && !staysInApp(event.destination.url, win.location.href)) event.preventDefault();
  });
  // Engines without the Navigation API still get the link check below; window.open is refused everywhere.
  const onLinkClick = (event: MouseEvent) => {
    const link = event.target instanceof Element ? event.target.closest('a[href], area[href]') : null;
    if (!(link instanceof HTMLAnchorElement || link instanceof HTMLAreaElement)) return;
    if (opensElsewhere(link, event) || !staysInApp(link.href, win.location.href)) event.preventDefault();
  };
  win.document.addEventListener('click', onLinkClick, { capture: true });
  win.document.addEventListener('auxclick', onLinkClick, { capture: true });
  win.open = () => null;
}
