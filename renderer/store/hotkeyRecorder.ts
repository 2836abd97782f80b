/**
 * Recording the hotkey from key presses in Settings. What a usable combination is lives in
 * shared/hotkeyCombination.ts, which main's global shortcut reads too.
 */
import { FUNCTION_KEY, hotkeyProblem } from '../../shared/hotkeyCombination';

/** The parts of a keydown the recorder reads (a KeyboardEvent has them all). */
export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export type Recorded =
  { kind: 'partial' } | { kind: 'refused'; message: string } | { kind: 'combo'; accelerator: string };

const NAMED: Record<string, string> = {
  Space: 'Space',
  Enter: 'Enter',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Minus: '-',
  Equal: '=',
  Comma: ',',
  Period: '.',
  Slash: '/',
  Semicolon: ';',
  Quote: "'",
  BracketLeft: '[',
  BracketRight: ']',
  Backslash: '\\',
  Backquote: '`',
  Pause: 'MediaPlayPause',
  PrintScreen: 'PrintScreen',
};

/** The accelerator's name for the physical key (layout-independent, as global shortcuts are), or null. */
function keyName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter) return letter[1] ?? null;
  const digit = /^(Digit|Numpad)(\d)$/.exec(code);
  if (digit) return digit[1] === 'Numpad' ? `num${digit[2] ?? ''}` : (digit[2] ?? null);
  if (FUNCTION_KEY.test(code)) return code.toUpperCase();
  return NAMED[code] ?? null;
}

/**
 * One keydown while recording: a modifier alone waits for the rest, a bare key is refused with the reason,
 * anything else is the new accelerator. On a Mac, ⌘ is CommandOrControl; elsewhere Ctrl is, and the
 * Windows/Super key is Super.
 */
export function recordKey(press: KeyPress, mac: boolean): Recorded {
  if (['Control', 'Shift', 'Alt', 'AltGraph', 'Meta', 'OS', 'Super', 'Hyper'].includes(press.key))
    return { kind: 'partial' };
  const key = keyName(press.code);
  if (key === null)
    return { kind: 'refused', message: `${press.key || press.code} cannot be part of a hotkey.` };
  const mods: string[] = [];
  if (press.ctrlKey) mods.push(mac ? 'Control' : 'CommandOrControl');
  if (press.metaKey) mods.push(mac ? 'CommandOrControl' : 'Super');
  if (press.altKey) mods.push('Alt');
  if (press.shiftKey) mods.push('Shift');
  const accelerator = [...mods, key].join('+');
  const problem = hotkeyProblem(accelerator);
  return problem ? { kind: 'refused', message: problem } : { kind: 'combo', accelerator };
}
