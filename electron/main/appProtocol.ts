import type { CustomScheme } from 'electron';
import { lookupStatic } from './staticFiles';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, isAppOrigin } from './windowPolicy';

/**
 * The app:// scheme that serves the renderer instead of file:// (Electron's security checklist, item 18).
 * The handler is a plain function from a WHATWG Request to a Response, so it is tested with real
 * requests and a real folder; windows.ts hands it to `session.protocol.handle`.
 */

/**
 * Registered before `ready` (index.ts). `standard` gives the page a real origin, app://swictation, so
 * 'self' in the CSP, relative URLs and permissions work by origin; `secure` makes it a secure context
 * (getUserMedia needs one); `supportFetchAPI` admits the scheme to fetch-style loads from the page. No
 * bypassCSP (the CSP must hold) and no corsEnabled: every load is same-origin, nothing else may read it.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Sent with every answer: the page's policy even on an error page, and no guessing of types. */
const BASE_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * Answer one app:// request from the files under `rendererDir`: GET/HEAD on host `swictation` only,
 * 403 for a foreign host or a path that would leave the folder, 404 for what is not a file there.
 * The query and hash play no part (the page reads its view from them).
 */
export async function handleAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
  }
  if (!isAppOrigin(request.url)) return plain(403, 'forbidden');
  let found;
  try {
    found = await lookupStatic(rendererDir, new URL(request.url).pathname);
  } catch {
    // A folder gone or unreadable: an answer, not a rejected promise Electron turns into a net error.
    return plain(500, 'cannot read the renderer');
  }
  if (found.kind === 'bad') return plain(403, 'forbidden');
  if (found.kind === 'missing') return plain(404, 'not found');
  const headers = {
    ...BASE_HEADERS,
    'Content-Type': found.type,
    'Content-Length': String(found.body.byteLength),
  };
  return new Response(request.method === 'HEAD' ? null : found.body, { status: 200, headers });
}

function plain(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { ...BASE_HEADERS, ...extra, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
