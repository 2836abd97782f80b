import { describe, expect, it } from 'vitest';
import { hotkeyProblem, isModifier } from '../../../shared/hotkeyCombination';

describe('the hotkey rule', () => {
  it('takes a combination with a modifier', () => {
    for (const ok of ['CommandOrControl+Shift+D', 'Alt+Space', 'Super+K', 'Shift+F12', 'Ctrl+num5'])
      expect(hotkeyProblem(ok), ok).toBeNull();
  });

  it('refuses a bare key, an empty hotkey, a lone modifier and a non-modifier in front', () => {
    expect(hotkeyProblem('D')).toBe(
      'D alone would be taken from every application: add Ctrl, Alt, Shift or Super.',
    );
    expect(hotkeyProblem('  ')).toBe('The hotkey is empty: press Record, then the keys.');
    expect(hotkeyProblem('Ctrl+Shift')).toBe('The hotkey ends with Shift: add a key after the modifiers.');
    expect(hotkeyProblem('A+B')).toBe('A is not a modifier (Ctrl, Alt, Shift or Super).');
    expect(hotkeyProblem('Ctrl++')).toBe('“Ctrl++” is not a key combination.');
    // A function key alone too: main refuses every bare key (electron/main/hotkey.ts), so Settings does.
    expect(hotkeyProblem('F9')).toMatch(/^F9 alone would be taken from every application/);
  });
});

describe('modifier names', () => {
  it('reads every Electron spelling, in any case, and nothing else', () => {
    for (const mod of [
      'CommandOrControl',
      'cmdorctrl',
      'Ctrl',
      'ALT',
      'Option',
      'AltGr',
      'Shift',
      'Super',
      'Meta',
    ])
      expect(isModifier(mod), mod).toBe(true);
    for (const key of ['D', 'Space', 'F5', 'Hyper']) expect(isModifier(key), key).toBe(false);
  });
});
