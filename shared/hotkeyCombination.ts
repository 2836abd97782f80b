/**
 * What a hotkey is: an Electron accelerator ("CommandOrControl+Shift+D"). The Settings recorder and main's
 * global shortcut read the same modifier names and the same rule, so Settings never saves a hotkey main refuses.
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

/** F1–F24: keys the recorder can name (with a modifier, like any key). */
export const FUNCTION_KEY = /^F([1-9]|1\d|2[0-4])$/i;

/** Whether one `+`-separated part of an accelerator is a modifier, in any of Electron's spellings. */
export function isModifier(part: string): boolean {
  return MODIFIERS.has(part.trim().toLowerCase());
}

/**
 * What is wrong with a typed or recorded hotkey, in one sentence, or null when it is a usable combination.
 * A global hotkey without a modifier takes that key from every application (F5 would no longer reload a page,
 * a letter could not be typed), so a combination needs at least one modifier, function keys included.
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
  if (mods.length === 0)
    return `${key} alone would be taken from every application: add Ctrl, Alt, Shift or Super.`;
  return null;
}
