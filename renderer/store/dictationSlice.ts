import type { StateCreator } from 'zustand/vanilla';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';

/**
 * Dictation as the Dictate button and the overlay show it. `listening` comes from the engine's `dictation`
 * events (a hotkey or the tray menu can start one too), and their `transcribing` is `stopping` here (the
 * input has ended, the last words are being recognized); `capturing` says this window is feeding the
 * microphone.
 */
export type DictationPhase = 'idle' | 'starting' | 'listening' | 'stopping';

export interface DictationState {
  phase: DictationPhase;
  source: string | null;
  capturing: boolean;
  queued: number;
  /**
   * The microphone's loudness, 0 to 1 (shared/inputLevel.ts): this window's own reading while it captures,
   * else the engine's `input` events (the overlay, or a dictation the hotkey or tray started).
   */
  inputLevel: number;
  /** When the current dictation started listening (ms, the store's clock), for the elapsed time; else null. */
  listeningSince: number | null;
  /** Why dictation could not start or stopped early (no microphone, permission denied, engine error). */
  message: string | null;
}

/** What every window shows of a dictation: the engine's `transcribing` (or queued words) reads as transcribing. */
export type ShownDictation = 'idle' | 'starting' | 'listening' | 'transcribing';

export function shownDictation(d: DictationState): ShownDictation {
  if (d.phase === 'stopping' || (d.phase === 'idle' && d.queued > 0)) return 'transcribing';
  return d.phase;
}

export interface DictationSlice {
  dictation: DictationState;
  setDictation: (patch: Partial<DictationState>) => void;
  applyDictationEvent: (e: Extract<EngineEvent, { type: 'dictation' }>, atMs: number) => void;
  /** The engine's `input` event: shown unless this window meters its own microphone (fresher). */
  applyEngineLevel: (level: number) => void;
}

export const createDictationSlice: StateCreator<AppState, [], [], DictationSlice> = (set, get) => ({
  dictation: {
    phase: 'idle',
    source: null,
    capturing: false,
    queued: 0,
    inputLevel: 0,
    listeningSince: null,
    message: null,
  },
  setDictation: (patch) => {
    set({ dictation: { ...get().dictation, ...patch } });
  },
  applyDictationEvent: (e, atMs) => {
    const d = get().dictation;
    const listeningSince = d.listeningSince ?? atMs;
    switch (e.state) {
      case 'listening':
        set({ dictation: { ...d, phase: 'listening', source: e.source, queued: e.queued, listeningSince } });
        return;
      case 'transcribing':
        set({ dictation: { ...d, phase: 'stopping', source: e.source, queued: e.queued, listeningSince } });
        return;
      case 'stopped':
        set({
          dictation: {
            ...d,
            phase: 'idle',
            source: null,
            queued: e.queued,
            listeningSince: null,
            inputLevel: d.capturing ? d.inputLevel : 0,
          },
        });
        return;
    }
  },
  applyEngineLevel: (level) => {
    const d = get().dictation;
    if (!d.capturing && d.inputLevel !== level) set({ dictation: { ...d, inputLevel: level } });
  },
});
