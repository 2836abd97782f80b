import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, handleAppRequest } from '../../../electron/main/appProtocol';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/windowPolicy';

// The app:// handler with real WHATWG Requests (Node's own) against a real folder: no fs mocks. Beside the
// renderer folder lie a secret file and a sibling folder whose name starts like it, the two ways out.
const SECRET = 'not for the page';
const INDEX_HTML = '<!doctype html><title>Swictation</title>';
let root: string;
let renderer: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'swictation-app-protocol-'));
  renderer = path.join(root, 'renderer');
  await mkdir(path.join(renderer, 'assets', 'sub'), { recursive: true });
  await mkdir(path.join(root, 'renderer-evil'));
  await writeFile(path.join(root, 'secret.txt'), SECRET);
  await writeFile(path.join(root, 'renderer-evil', 'x.js'), SECRET);
  await writeFile(path.join(renderer, 'index.html'), INDEX_HTML);
  await writeFile(path.join(renderer, 'assets', 'index-1a2b.js'), 'export {};');
  await writeFile(path.join(renderer, 'assets', 'index-1a2b.js.map'), '{}');
  await writeFile(path.join(renderer, 'assets', 'index-3c4d.css'), 'body{}');
  await writeFile(path.join(renderer, 'assets', 'font.woff2'), 'wOF2');
  await writeFile(path.join(renderer, 'assets', 'notes.xyz'), 'bytes');
  await writeFile(path.join(renderer, '%2e%2e'), 'a literal name');
  await symlink(path.join(root, 'secret.txt'), path.join(renderer, 'assets', 'escape.js'));
  await symlink(path.join(root, 'renderer-evil'), path.join(renderer, 'assets', 'evil-dir'));
  await symlink(path.join(renderer, 'index.html'), path.join(renderer, 'assets', 'inside.html'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const get = (url: string, init?: RequestInit) => handleAppRequest(new Request(url, init), renderer);

async function refused(url: string): Promise<{ status: number; body: string }> {
  const response = await get(url);
  return { status: response.status, body: await response.text() };
}

describe('the app:// protocol handler', () => {
  it('registers app as a standard, secure scheme, without bypassing CSP or opening CORS', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });

  it('serves index.html with the strict CSP, nosniff and the HTML type', async () => {
    const response = await get('app://swictation/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(INDEX_HTML)));
    expect(await response.text()).toBe(INDEX_HTML);
  });

  it('ignores the query and the hash (the page reads its view from them)', async () => {
    for (const url of [
      'app://swictation/index.html?view=settings',
      'app://swictation/index.html?view=popover#history',
      'app://swictation/index.html?../../secret.txt',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(await response.text()).toBe(INDEX_HTML);
    }
  });

  it('names the type of each kind of file the renderer build emits', async () => {
    const typeOf = async (p: string) => (await get(`app://swictation/${p}`)).headers.get('content-type');
    expect(await typeOf('assets/index-1a2b.js')).toBe('text/javascript; charset=utf-8');
    expect(await typeOf('assets/index-3c4d.css')).toBe('text/css; charset=utf-8');
    expect(await typeOf('assets/index-1a2b.js.map')).toBe('application/json; charset=utf-8');
    expect(await typeOf('assets/font.woff2')).toBe('font/woff2');
    expect(await typeOf('assets/notes.xyz')).toBe('application/octet-stream');
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await get('app://swictation/assets/index-1a2b.js', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('10');
    expect(await response.text()).toBe('');
  });

  it('never leaves the renderer folder: traversal raw, percent-encoded, double-encoded, with backslashes or NUL', async () => {
    // Literal and %2e dot segments are resolved by the URL parser before the handler sees them: they land
    // inside the folder, on files that are not there (404). Whatever survives parsing is refused (403).
    const cases: [string, number][] = [
      ['app://swictation/../secret.txt', 404],
      ['app://swictation/assets/../../secret.txt', 404],
      ['app://swictation/%2e%2e/secret.txt', 404],
      ['app://swictation/assets/%2E%2E/%2e%2e/secret.txt', 404],
      ['app://swictation/assets/..%2f..%2fsecret.txt', 403],
      ['app://swictation/assets/%2e%2e%2f%2e%2e%2fsecret.txt', 403],
      ['app://swictation/..%5csecret.txt', 403],
      ['app://swictation/..\\secret.txt', 403],
      ['app://swictation/assets\\..\\..\\secret.txt', 403],
      ['app://swictation/assets%2findex-1a2b.js', 403],
      ['app://swictation/%2Fsecret.txt', 403],
      ['app://swictation/index.html%00.js', 403],
      ['app://swictation/%00', 403],
      ['app://swictation/%E0%A4%A', 403],
      ['app://swictation/%252e%252e/secret.txt', 404],
      ['app://swictation/%252e%252e%252fsecret.txt', 404],
      ['app://swictation/../renderer-evil/x.js', 404],
    ];
    for (const [url, status] of cases) {
      const r = await refused(url);
      expect(r.status, url).toBe(status);
      expect(r.body, url).not.toContain(SECRET);
    }
    // Decoded once only: a double-encoded name is that literal name, served if it is really there.
    expect((await refused('app://swictation/%252e%252e')).body).toBe('a literal name');
  });

  it('refuses symlinks that lead outside the folder (403) and follows those that stay inside', async () => {
    for (const url of ['app://swictation/assets/escape.js', 'app://swictation/assets/evil-dir/x.js']) {
      const r = await refused(url);
      expect(r.status, url).toBe(403);
      expect(r.body, url).not.toContain(SECRET);
    }
    const inside = await get('app://swictation/assets/inside.html');
    expect(inside.status).toBe(200);
    expect(await inside.text()).toBe(INDEX_HTML);
  });

  it('lists no directory and names missing files with a small 404', async () => {
    for (const url of [
      'app://swictation/assets',
      'app://swictation/assets/',
      'app://swictation/assets/sub',
    ]) {
      expect((await refused(url)).status, url).toBe(404);
    }
    const missing = await get('app://swictation/assets/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await missing.text()).toBe('not found\n');
  });

  it('answers only its own host: another host, a port or another scheme are refused', async () => {
    for (const url of [
      'app://evil/index.html',
      'app://swictation.evil.example/index.html',
      'app://swictation:8080/index.html',
      'app:///index.html',
      'file:///etc/passwd',
      'https://swictation/index.html',
    ]) {
      const r = await refused(url);
      expect(r.status, url).toBe(403);
      expect(r.body, url).toBe('forbidden\n');
    }
  });

  it('allows GET and HEAD only (405 with Allow)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const response = await get('app://swictation/index.html', { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('answers 500, not a rejected promise, when the renderer folder is gone', async () => {
    const response = await handleAppRequest(
      new Request('app://swictation/index.html'),
      path.join(root, 'no-such-folder'),
    );
    expect(response.status).toBe(500);
  });
});
