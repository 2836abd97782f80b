import type { StateCreator } from 'zustand/vanilla';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';
import {
  addTranscript,
  fromTranscriptEvent,
  mergeHistory,
  withoutUtterance,
  type HistoryEntry,
  type TranscriptItem,
} from './transcripts';

export interface TranscriptsSlice {
  transcripts: { items: readonly TranscriptItem[]; problem: string | null };
  addLiveTranscript: (e: Extract<EngineEvent, { type: 'transcript' }>, atMs: number) => void;
  setHistory: (entries: readonly HistoryEntry[]) => void;
  /** Why the history could not be read (e.g. speech is off in this engine). */
  setHistoryProblem: (problem: string | null) => void;
  /** A transcript deleted from the history: gone from every list here too. */
  forgetTranscript: (item: TranscriptItem) => void;
  /** The history was cleared. */
  forgetAllTranscripts: () => void;
}

export const createTranscriptsSlice: StateCreator<AppState, [], [], TranscriptsSlice> = (set, get) => ({
  transcripts: { items: [], problem: null },
  addLiveTranscript: (e, atMs) => {
    const t = get().transcripts;
    // The event does not name the model: it is the one dictation runs now.
    const model = get().models.listing?.active?.id;
    set({ transcripts: { ...t, items: addTranscript(t.items, fromTranscriptEvent(e, atMs, model)) } });
  },
  setHistory: (entries) => {
    set({ transcripts: { items: mergeHistory(get().transcripts.items, entries), problem: null } });
  },
  setHistoryProblem: (problem) => {
    set({ transcripts: { ...get().transcripts, problem } });
  },
  forgetTranscript: (item) => {
    const t = get().transcripts;
    set({ transcripts: { ...t, items: withoutUtterance(t.items, item) } });
  },
  forgetAllTranscripts: () => {
    set({ transcripts: { ...get().transcripts, items: [] } });
  },
});
