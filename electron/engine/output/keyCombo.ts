import type { TypingToolName } from './typingTools';

/**
 * A key chord such as "ctrl+v" or "ctrl+shift+v" (terminals paste with the latter), written once
 * in settings and translated here for each tool, since xdotool, wtype and both ydotool
 * generations all spell keys differently.
 */
export interface KeyCombo {
  modifiers: Modifier[];
  key: string;
}

export type Modifier = 'ctrl' | 'shift' | 'alt' | 'super';

const MODIFIER_ALIASES: Record<string, Modifier> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  shift: 'shift',
  alt: 'alt',
  super: 'super',
  meta: 'super',
  logo: 'super',
};

// Linux input event codes (input-event-codes.h) for ydotool 1.x, which takes raw codes only.
// prettier-ignore
const LETTER_CODES: Record<string, number> = {
  q: 16, w: 17, e: 18, r: 19, t: 20, y: 21, u: 22, i: 23, o: 24, p: 25,
  a: 30, s: 31, d: 32, f: 33, g: 34, h: 35, j: 36, k: 37, l: 38,
  z: 44, x: 45, c: 46, v: 47, b: 48, n: 49, m: 50,
};
const NAMED_CODES: Record<string, number> = { insert: 110 };
const MODIFIER_CODES: Record<Modifier, number> = { ctrl: 29, shift: 42, alt: 56, super: 125 };
const WTYPE_MODIFIERS: Record<Modifier, string> = { ctrl: 'ctrl', shift: 'shift', alt: 'alt', super: 'logo' };

/** Parses "ctrl+shift+v"; the key is a letter or Insert (shift+Insert pastes in many X11 apps). */
export function parseKeyCombo(spec: string): KeyCombo {
  const parts = spec
    .split('+')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const key = parts.pop();
  // Object.hasOwn, not `in`: "ctrl+constructor" must not pass as a key.
  if (key === undefined || !(Object.hasOwn(LETTER_CODES, key) || Object.hasOwn(NAMED_CODES, key))) {
    throw new Error(
      `unsupported paste key "${spec}": use modifiers (ctrl, shift, alt, super) + a letter or Insert`,
    );
  }
  const modifiers = parts.map((p) => {
    const m = Object.hasOwn(MODIFIER_ALIASES, p) ? MODIFIER_ALIASES[p] : undefined;
    if (!m) throw new Error(`unknown modifier "${p}" in paste key "${spec}"`);
    return m;
  });
  return { modifiers: [...new Set(modifiers)], key };
}

/** ydotool 1.x takes raw "code:state" pairs; 0.1.x takes names like "ctrl+v". */
export type YdotoolFlavor = 'keycodes' | 'names';

function keyName(combo: KeyCombo): string {
  return combo.key === 'insert' ? 'Insert' : combo.key;
}

/** The arguments that press and release the chord with the given tool. */
export function keyComboArgs(
  tool: TypingToolName,
  combo: KeyCombo,
  flavor: YdotoolFlavor = 'keycodes',
): string[] {
  const name = keyName(combo);
  switch (tool) {
    case 'xdotool':
      return ['key', '--clearmodifiers', [...combo.modifiers, name].join('+')];
    case 'wtype': {
      const press = combo.modifiers.flatMap((m) => ['-M', WTYPE_MODIFIERS[m]]);
      const release = [...combo.modifiers].reverse().flatMap((m) => ['-m', WTYPE_MODIFIERS[m]]);
      return [...press, '-k', name, ...release];
    }
    case 'ydotool': {
      if (flavor === 'names') return ['key', [...combo.modifiers, name].join('+')];
      const codes = [
        ...combo.modifiers.map((m) => MODIFIER_CODES[m]),
        LETTER_CODES[combo.key] ?? NAMED_CODES[combo.key],
      ];
      const down = codes.map((c) => `${c}:1`);
      const up = [...codes].reverse().map((c) => `${c}:0`);
      return ['key', ...down, ...up];
    }
  }
}
