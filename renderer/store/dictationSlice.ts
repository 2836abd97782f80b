import type { StateCreator } from 'zustand/vanilla';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';

/**
 * Dictation as the Dictate button shows it. `listening` comes from the engine's `dictation` events (a
 * hotkey or the tray menu can start one too); `capturing` says this window is feeding the microphone.
 */
export type DictationPhase = 'idle' | 'starting' | 'listening' | 'stopping';

export interface DictationState {
  phase: DictationPhase;
  source: string | null;
  capturing: boolean;
  queued: number;
  /** The microphone's loudness while this window captures, 0 to 1 (audio/inputLevel.ts). */
  inputLevel: number;
  /** Why dictation could not start or stopped early (no microphone, permission denied, engine error). */
  message: string | null;
}

export interface DictationSlice {
  dictation: DictationState;
  setDictation: (patch: Partial<DictationState>) => void;
  applyDictationEvent: (e: Extract<EngineEvent, { type: 'dictation' }>) => void;
}

export const createDictationSlice: StateCreator<AppState, [], [], DictationSlice> = (set, get) => ({
  dictation: { phase: 'idle', source: null, capturing: false, queued: 0, inputLevel: 0, message: null },
  setDictation: (patch) => {
    set({ dictation: { ...get().dictation, ...patch } });
  },
  applyDictationEvent: (e) => {
    const d = get().dictation;
    set({
      dictation:
        e.state === 'listening'
          ? { ...d, phase: 'listening', source: e.source, queued: e.queued }
          : { ...d, phase: 'idle', source: null, queued: e.queued },
    });
  },
});
