import { describe, expect, it } from 'vitest';
import { hotkeyProblem, recordKey, type KeyPress } from '../../../renderer/store/hotkeyCombination';

const press = (code: string, mods: Partial<KeyPress> = {}, key = code): KeyPress => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe('the hotkey rule', () => {
  it('takes a combination with a modifier, or a function key alone', () => {
    for (const ok of ['CommandOrControl+Shift+D', 'Alt+Space', 'Super+K', 'F9', 'Shift+F12', 'Ctrl+num5'])
      expect(hotkeyProblem(ok), ok).toBeNull();
  });

  it('refuses a bare key, an empty hotkey, a lone modifier and a non-modifier in front', () => {
    expect(hotkeyProblem('D')).toBe(
      'D alone would fire while you type: add Ctrl, Alt, Shift or Super, or use F1–F24.',
    );
    expect(hotkeyProblem('  ')).toBe('The hotkey is empty: press Record, then the keys.');
    expect(hotkeyProblem('Ctrl+Shift')).toBe('The hotkey ends with Shift: add a key after the modifiers.');
    expect(hotkeyProblem('A+B')).toBe('A is not a modifier (Ctrl, Alt, Shift or Super).');
    expect(hotkeyProblem('Ctrl++')).toBe('“Ctrl++” is not a key combination.');
    expect(hotkeyProblem('F25')).toMatch(/^F25 alone would fire/);
  });
});

describe('recording a key press', () => {
  it('waits while only modifiers are down', () => {
    expect(recordKey(press('ControlLeft', { ctrlKey: true }, 'Control'), false)).toEqual({ kind: 'partial' });
    expect(recordKey(press('ShiftLeft', { shiftKey: true }, 'Shift'), false)).toEqual({ kind: 'partial' });
  });

  it('names the physical key with the modifiers in Electron’s words', () => {
    expect(recordKey(press('KeyK', { ctrlKey: true, altKey: true }, 'k'), false)).toEqual({
      kind: 'combo',
      accelerator: 'CommandOrControl+Alt+K',
    });
    expect(recordKey(press('KeyK', { metaKey: true }, 'k'), false)).toEqual({
      kind: 'combo',
      accelerator: 'Super+K',
    });
    // On a Mac ⌘ is CommandOrControl and Ctrl is Control.
    expect(recordKey(press('KeyK', { metaKey: true, ctrlKey: true }, 'k'), true)).toEqual({
      kind: 'combo',
      accelerator: 'Control+CommandOrControl+K',
    });
    expect(recordKey(press('F9'), false)).toEqual({ kind: 'combo', accelerator: 'F9' });
    expect(recordKey(press('ArrowUp', { altKey: true }, 'ArrowUp'), false)).toEqual({
      kind: 'combo',
      accelerator: 'Alt+Up',
    });
  });

  it('refuses a bare key and a key no accelerator can name', () => {
    expect(recordKey(press('KeyD', {}, 'd'), false)).toEqual({
      kind: 'refused',
      message: 'D alone would fire while you type: add Ctrl, Alt, Shift or Super, or use F1–F24.',
    });
    expect(recordKey(press('IntlRo', { ctrlKey: true }, 'ろ'), false)).toEqual({
      kind: 'refused',
      message: 'ろ cannot be part of a hotkey.',
    });
  });
});
