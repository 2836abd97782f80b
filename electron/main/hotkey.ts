import { isModifier } from '../../shared/hotkeyCombination';
import type { Settings } from '../../shared/settings';

/**
 * The global dictation shortcut, best effort. Electron's globalShortcut is X11/Windows/macOS; on
 * Wayland it usually cannot grab keys, so the reason tells the user to bind `swictation --toggle`
 * in the desktop's own shortcut settings (handed to the running app through the single-instance lock).
 */
export interface ShortcutApi {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export type HotkeyResult = { ok: true } | { ok: false; reason: string };

export function isWayland(env: Record<string, string | undefined>): boolean {
  return env['XDG_SESSION_TYPE'] === 'wayland' || Boolean(env['WAYLAND_DISPLAY']);
}

export class HotkeyBinding {
  private bound: string | null = null;

  constructor(
    private readonly api: ShortcutApi,
    private readonly onPress: () => void,
    private readonly wayland: boolean,
  ) {}

  /** Bind `accelerator` (empty: none), replacing the previous binding. */
  set(accelerator: string): HotkeyResult {
    const wanted = accelerator.trim();
    if (wanted === this.bound) return { ok: true };
    this.clear();
    if (!wanted) return { ok: true };
    if (isBareKey(wanted)) {
      return {
        ok: false,
        reason: `"${wanted}" has no modifier: it would take that key from every application; add Ctrl, Alt, Shift or Super`,
      };
    }
    let registered: boolean;
    try {
      registered = this.api.register(wanted, this.onPress);
    } catch (error) {
      // Electron throws on an accelerator it cannot parse.
      return { ok: false, reason: `"${wanted}" is not a valid shortcut (${errorText(error)})` };
    }
    if (registered) {
      this.bound = wanted;
      return { ok: true };
    }
    const hint = this.wayland
      ? 'global shortcuts are not available on Wayland; bind "swictation --toggle" in your desktop settings'
      : 'another application already uses it';
    return { ok: false, reason: `${wanted} could not be registered: ${hint}` };
  }

  clear(): void {
    if (this.bound) this.api.unregister(this.bound);
    this.bound = null;
  }
}

/** Where the hotkey setting comes from: main's settings store, fed by the engine's `settings` events. */
export interface HotkeySettingSource {
  readonly current: Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

/**
 * The shortcut follows the setting: bound now, and re-bound on every change main adopts. The engine pushes
 * each accepted change, so a hotkey saved in Settings works at once, with the window still open.
 * `report` gets why the binding failed, or null once it works.
 */
export function followHotkeySetting(
  source: HotkeySettingSource,
  binding: Pick<HotkeyBinding, 'set'>,
  report: (problem: string | null) => void,
): () => void {
  const bind = (accelerator: string) => {
    const result = binding.set(accelerator);
    report(result.ok ? null : result.reason);
  };
  bind(source.current.speech.hotkey);
  return source.onChange((settings) => bind(settings.speech.hotkey));
}

/**
 * A global shortcut without a modifier ("A", "Space", "Enter") is grabbed desktop-wide: that key would stop
 * reaching every other application. A malformed one ("Ctrl+") is left for Electron to explain.
 */
export function isBareKey(accelerator: string): boolean {
  const parts = accelerator.split('+').map((p) => p.trim());
  return parts.every((p) => p !== '') && !parts.some(isModifier);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
