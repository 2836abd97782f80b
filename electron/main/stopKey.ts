import type { DictationPhase } from './appState';
import type { ShortcutApi } from './hotkey';

/** The key the overlay names: "Esc or <hotkey> to stop". */
export const STOP_KEY = 'Escape';

/**
 * Esc stops a dictation. The overlay never takes focus (the words go to the window the user types in), so
 * its own keydown cannot see Esc in the app: main holds Esc as a global shortcut while listening only, and
 * lets it go the moment dictation stops, so other applications have their Esc back. Where the desktop
 * refuses global keys (Wayland) the hotkey still stops dictation, and the overlay's Esc works when focused.
 */
export class StopKey {
  /** Listening, as last told: a refused key is tried once per dictation, not on every render. */
  private wanted = false;
  private held = false;

  constructor(
    private readonly api: ShortcutApi,
    private readonly onStop: () => void,
  ) {}

  follow(phase: DictationPhase): void {
    const want = phase === 'listening';
    if (want === this.wanted) return;
    this.wanted = want;
    if (want) {
      try {
        this.held = this.api.register(STOP_KEY, this.onStop);
      } catch {
        this.held = false; // best effort, as above
      }
    } else if (this.held) {
      this.api.unregister(STOP_KEY);
      this.held = false;
    }
  }
}
