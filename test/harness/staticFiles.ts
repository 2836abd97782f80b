import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types of what a vite build emits. `.js` must be JavaScript: addModule() refuses anything else. */
const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; file: string; body: Buffer; type: string }
  | { kind: 'bad'; reason: string }
  | { kind: 'missing' };

/**
 * Map a URL path to a file under `root`, refusing anything that could leave it: encoded `..` segments,
 * backslashes, NUL, and symlinks that resolve outside. Directories are never listed.
 */
export async function lookupStatic(root: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'bad', reason: 'malformed URL encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad', reason: 'invalid path' };
  // The URL parser already resolved literal dot segments; encoded ones (%2e%2e, %2f) appear only now.
  if (decoded.split('/').some((seg) => seg === '..' || seg === '.')) {
    return { kind: 'bad', reason: 'path traversal' };
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
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

function within(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The Content-Security-Policy of the built page's <meta>: the harness sends the very same policy as a
 * header, so the browser tests exercise the policy Electron's windows load, not a second copy of it.
 */
export function cspFromHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*"([^"]*)"/i.exec(tag) ?? /\bcontent\s*=\s*'([^']*)'/i.exec(tag);
    const policy = content?.[1]?.replace(/\s+/g, ' ').trim();
    if (policy) return policy;
  }
  return null;
}
