import { describe, expect, it } from 'vitest';
import { recordKey, type KeyPress } from '../../../renderer/store/hotkeyRecorder';

const press = (code: string, mods: Partial<KeyPress> = {}, key = code): KeyPress => ({
  key,
  code,
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
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
    expect(recordKey(press('F9', { shiftKey: true }), false)).toEqual({
      kind: 'combo',
      accelerator: 'Shift+F9',
    });
    expect(recordKey(press('ArrowUp', { altKey: true }, 'ArrowUp'), false)).toEqual({
      kind: 'combo',
      accelerator: 'Alt+Up',
    });
  });

  it('refuses a bare key and a key no accelerator can name', () => {
    expect(recordKey(press('KeyD', {}, 'd'), false)).toEqual({
      kind: 'refused',
      message: 'D alone would be taken from every application: add Ctrl, Alt, Shift or Super.',
    });
    expect(recordKey(press('F9'), false)).toEqual({
      kind: 'refused',
      message: 'F9 alone would be taken from every application: add Ctrl, Alt, Shift or Super.',
    });
    expect(recordKey(press('IntlRo', { ctrlKey: true }, 'ろ'), false)).toEqual({
      kind: 'refused',
      message: 'ろ cannot be part of a hotkey.',
    });
  });
});
