import type { EngineStatus } from '../../shared/engineEvents';
import type { SupervisorSnapshot } from './engineSupervisor';
import type { SettingsWarning } from './settingsStore';

/** Dictation as the engine's `dictation` events tell it: `transcribing` is a stop that waits for the last words. */
export type DictationPhase = 'idle' | 'listening' | 'transcribing';

/**
 * Everything the tray icon, its menu and the notifications are drawn from. Plain data, so the
 * drawing functions are pure and the tests build states by hand.
 */
export interface AppState {
  engine: Pick<SupervisorSnapshot, 'state' | 'message' | 'settingsError'>;
  /** The engine's last status (kept while it restarts, so the tray still shows where memory was). */
  status: EngineStatus | null;
  dictation: DictationPhase;
  settingsWarning: SettingsWarning | null;
  /** The global shortcut could not be registered (Wayland, taken by another app): why. */
  hotkeyProblem: string | null;
}

export const INITIAL_APP_STATE: AppState = {
  engine: { state: 'idle', message: null, settingsError: null },
  status: null,
  dictation: 'idle',
  settingsWarning: null,
  hotkeyProblem: null,
};
