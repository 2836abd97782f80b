/** Whether this window runs on a Mac: ⌘ is its CommandOrControl. */
export const ON_MAC = typeof navigator !== 'undefined' && /Mac/.test(navigator.userAgent);

/** An Electron accelerator as people read it: "CommandOrControl+Shift+D" → "Ctrl+Shift+D" (⌘ on a Mac). */
export function hotkeyText(accelerator: string, mac: boolean): string {
  return accelerator
    .split('+')
    .map((key) => {
      if (/^(CommandOrControl|CmdOrCtrl)$/i.test(key)) return mac ? '⌘' : 'Ctrl';
      if (/^(Command|Cmd)$/i.test(key)) return '⌘';
      if (/^Control$/i.test(key)) return 'Ctrl';
      if (/^Option$/i.test(key)) return 'Alt';
      return key;
    })
    .join('+');
}
