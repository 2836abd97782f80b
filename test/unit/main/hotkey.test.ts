import { describe, expect, it } from 'vitest';
import { HotkeyBinding, isWayland, type ShortcutApi } from '../../../electron/main/hotkey';

function fakeShortcuts(taken: string[] = []) {
  const registered = new Map<string, () => void>();
  const api: ShortcutApi = {
    register: (acc, cb) => {
      if (acc === 'Nonsense+') throw new Error('conversion failure');
      if (taken.includes(acc)) return false;
      registered.set(acc, cb);
      return true;
    },
    unregister: (acc) => void registered.delete(acc),
  };
  return { api, registered };
}

describe('HotkeyBinding', () => {
  it('registers, re-registers on change and releases the old one', () => {
    const { api, registered } = fakeShortcuts();
    let presses = 0;
    const binding = new HotkeyBinding(api, () => presses++, false);
    expect(binding.set('CommandOrControl+Shift+D')).toEqual({ ok: true });
    registered.get('CommandOrControl+Shift+D')?.();
    expect(presses).toBe(1);
    expect(binding.set('Alt+D')).toEqual({ ok: true });
    expect([...registered.keys()]).toEqual(['Alt+D']);
    expect(binding.set('')).toEqual({ ok: true });
    expect(registered.size).toBe(0);
  });

  it('explains a failure: taken, Wayland, or not a shortcut', () => {
    const taken = fakeShortcuts(['Alt+D']);
    expect(new HotkeyBinding(taken.api, () => undefined, false).set('Alt+D')).toEqual({
      ok: false,
      reason: 'Alt+D could not be registered: another application already uses it',
    });
    const wayland = new HotkeyBinding(taken.api, () => undefined, true).set('Alt+D');
    expect(wayland.ok ? '' : wayland.reason).toMatch(/bind "swictation --toggle" in your desktop settings/);
    const bad = new HotkeyBinding(taken.api, () => undefined, false).set('Nonsense+');
    expect(bad).toEqual({ ok: false, reason: '"Nonsense+" is not a valid shortcut (conversion failure)' });
  });

  it('refuses a bare key, which would be taken from every application, and never registers it', () => {
    const { api, registered } = fakeShortcuts();
    const binding = new HotkeyBinding(api, () => undefined, false);
    for (const bare of ['A', 'Space', 'Enter', 'F5']) {
      const result = binding.set(bare);
      expect(result.ok ? '' : result.reason).toMatch(
        /has no modifier: it would take that key from every application/,
      );
    }
    expect(registered.size).toBe(0);
    expect(binding.set('Super+Space')).toEqual({ ok: true });
    expect(binding.set('Shift+F5')).toEqual({ ok: true });
  });

  it('detects Wayland sessions', () => {
    expect(isWayland({ XDG_SESSION_TYPE: 'wayland' })).toBe(true);
    expect(isWayland({ WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(isWayland({ XDG_SESSION_TYPE: 'x11' })).toBe(false);
  });
});
