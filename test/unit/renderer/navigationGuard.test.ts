import { describe, expect, it } from 'vitest';
import { staysInApp } from '../../../renderer/navigationGuard';

// The browser tests show the guard on an http page; the app itself loads from file://, whose origin is
// opaque, so "inside the app" there means the same file.

describe('staysInApp', () => {
  const page = 'file:///opt/Swictation/resources/app.asar/out/renderer/index.html?view=popover';

  it('a file:// page may change its hash, query and reload, and nothing else', () => {
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
