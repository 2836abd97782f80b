import { describe, expect, it } from 'vitest';
import { staysInApp } from '../../../renderer/navigationGuard';

// The browser tests show the guard on an http page; the app itself loads from app://swictation.

describe('staysInApp', () => {
  it('an app:// page may go anywhere on app://swictation and nowhere else', () => {
    const app = 'app://swictation/index.html?view=popover';
    expect(staysInApp('#settings', app)).toBe(true);
    expect(staysInApp('?view=settings#history', app)).toBe(true);
    expect(staysInApp('/assets/x.js', app)).toBe(true);
    // Node calls both origins "null": the host must still tell them apart.
    expect(staysInApp('app://evil/index.html', app)).toBe(false);
    expect(staysInApp('app://swictation:8080/index.html', app)).toBe(false);
    expect(staysInApp('file:///opt/Swictation/index.html', app)).toBe(false);
    expect(staysInApp('https://swictation/', app)).toBe(false);
    expect(staysInApp('javascript:alert(1)', app)).toBe(false);
  });

  const page = 'file:///opt/Swictation/resources/app.asar/out/renderer/index.html?view=popover';

  it('a file:// page (no host to tell pages apart) may change its hash and query, and nothing else', () => {
    expect(staysInApp('#settings', page)).toBe(true);
    expect(staysInApp('?view=settings#history', page)).toBe(true);
    expect(staysInApp(page, page)).toBe(true);
    expect(staysInApp('file:///etc/passwd', page)).toBe(false);
    expect(staysInApp('./other.html', page)).toBe(false);
    expect(
      staysInApp('file://evil.example/opt/Swictation/resources/app.asar/out/renderer/index.html', page),
    ).toBe(false);
    expect(staysInApp('https://example.com/', page)).toBe(false);
    expect(staysInApp('javascript:alert(1)', page)).toBe(false);
  });

  it('an http page may go anywhere on its own origin and nowhere else', () => {
    const harness = 'http://127.0.0.1:4173/?ws=4173&token=t';
    expect(staysInApp('#history', harness)).toBe(true);
    expect(staysInApp('/assets/x.js', harness)).toBe(true);
    expect(staysInApp('http://localhost:4173/', harness)).toBe(false);
    expect(staysInApp('http://127.0.0.1:4174/', harness)).toBe(false);
    expect(staysInApp('https://127.0.0.1:4173/', harness)).toBe(false);
    expect(staysInApp('data:text/html,hi', harness)).toBe(false);
  });

  it('an unparsable URL is refused', () => {
    expect(staysInApp('http://[::1', 'http://127.0.0.1:4173/')).toBe(false);
    expect(staysInApp('#x', 'not a url')).toBe(false);
  });
});
