import { shownDictation, type DictationState } from '../store/dictationSlice';

/**
 * What the overlay shows: the engine's dictation as every window hears it. `stopping` is the engine's
 * `transcribing` (or this window's own stop), so a stop from the hotkey, the tray or Esc reads the same.
 */
export type OverlayState = 'hidden' | 'listening' | 'transcribing';

export function overlayState(d: DictationState): OverlayState {
  const shown = shownDictation(d);
  return shown === 'listening' || shown === 'transcribing' ? shown : 'hidden';
}

export const OVERLAY_WORDS: Record<OverlayState, string> = {
  hidden: 'Dictation stopped',
  listening: 'Listening',
  transcribing: 'Transcribing…',
};
