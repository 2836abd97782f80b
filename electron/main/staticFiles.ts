import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The one lookup of a URL path in the built renderer folder, shared by the app's `app://` handler
 * (appProtocol.ts) and the browser harness's HTTP server (electron/web/server.ts), so both refuse the same
 * paths. It reads through fs/promises, which Electron lets reach into app.asar.
 */

/**
 * Content types of what the renderer's vite build emits (html, js, css, source maps) and of assets it could
 * emit from an import. `.js` must be JavaScript: module scripts and addModule() refuse anything else.
 */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Unknown kinds go out as bytes: with `nosniff` the page cannot run or style with them. */
export function contentType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string; body: Buffer; type: string }
  | { kind: 'bad'; reason: string }
  | { kind: 'missing' };

/**
 * Map a URL path to a file under `root`, refusing anything that could leave it: `..` segments (encoded or
 * not), encoded slashes, backslashes, NUL, and symlinks that resolve outside. Directories are never listed.
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  const relative = relativePath(urlPath);
  if (typeof relative !== 'string') return relative;
  const realRoot = await realpath(root);
  const candidate = path.resolve(realRoot, relative);
  if (!within(realRoot, candidate)) return { kind: 'bad', reason: 'path traversal' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return { kind: 'missing' };
  }
  if (!within(realRoot, real)) return { kind: 'bad', reason: 'path leaves the served folder' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', file: real, body: await readFile(real), type: contentType(real) };
}

/**
 * The path relative to the served folder, decoding each segment once (so `%252e` stays the literal name
 * `%2e`). URL parsers resolve literal dot segments but keep encoded ones, so those are checked here.
 */
function relativePath(urlPath: string): string | { kind: 'bad'; reason: string } {
  if (urlPath === '' || urlPath === '/') return 'index.html';
  if (!urlPath.startsWith('/')) return { kind: 'bad', reason: 'invalid path' };
  const segments: string[] = [];
  for (const raw of urlPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { kind: 'bad', reason: 'malformed URL encoding' };
    }
    // An encoded separator would smuggle a second segment past the dot check below.
    if (/[/\\\0]/.test(segment)) return { kind: 'bad', reason: 'invalid path' };
    if (segment === '.' || segment === '..') return { kind: 'bad', reason: 'path traversal' };
    segments.push(segment);
  }
  return segments.join('/');
}

function within(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
