/**
 * What a hotkey is: an Electron accelerator ("CommandOrControl+Shift+D"). The Settings recorder and main's
 * global shortcut read the same modifier names, so both sides agree on what counts as a modifier.
 */

const MODIFIERS = new Set([
  'command',
  'cmd',
  'control',
  'ctrl',
  'commandorcontrol',
  'cmdorctrl',
  'alt',
  'option',
  'altgr',
  'shift',
  'super',
  'meta',
]);

export const FUNCTION_KEY = /^F([1-9]|1\d|2[0-4])$/i;

/** Whether one `+`-separated part of an accelerator is a modifier, in any of Electron's spellings. */
export function isModifier(part: string): boolean {
  return MODIFIERS.has(part.trim().toLowerCase());
}

/**
 * What is wrong with a typed or recorded hotkey, in one sentence, or null when it is a usable combination.
 * A global hotkey without a modifier would fire on every press of that key while the user types elsewhere,
 * so a combination needs at least one modifier, or is a function key (F1–F24), which nobody types in text.
 */
export function hotkeyProblem(text: string): string | null {
  const parts = text.trim().split('+');
  if (text.trim() === '') return 'The hotkey is empty: press Record, then the keys.';
  if (parts.some((p) => p.trim() === '')) return `“${text}” is not a key combination.`;
  const key = (parts.at(-1) ?? '').trim();
  const mods = parts.slice(0, -1).map((p) => p.trim());
  const notModifier = mods.find((m) => !isModifier(m));
  if (notModifier !== undefined) return `${notModifier} is not a modifier (Ctrl, Alt, Shift or Super).`;
  if (isModifier(key)) return `The hotkey ends with ${key}: add a key after the modifiers.`;
  if (mods.length === 0 && !FUNCTION_KEY.test(key))
    return `${key} alone would fire while you type: add Ctrl, Alt, Shift or Super, or use F1–F24.`;
  return null;
}
