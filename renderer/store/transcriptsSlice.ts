import type { StateCreator } from 'zustand/vanilla';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';
import {
  addTranscript,
  fromTranscriptEvent,
  mergeHistory,
  type HistoryEntry,
  type TranscriptItem,
} from './transcripts';

export interface TranscriptsSlice {
  transcripts: { items: readonly TranscriptItem[]; problem: string | null };
  addLiveTranscript: (e: Extract<EngineEvent, { type: 'transcript' }>, atMs: number) => void;
  setHistory: (entries: readonly HistoryEntry[]) => void;
  /** Why the history could not be read (e.g. speech is off in this engine). */
  setHistoryProblem: (problem: string | null) => void;
}

export const createTranscriptsSlice: StateCreator<AppState, [], [], TranscriptsSlice> = (set, get) => ({
  transcripts: { items: [], problem: null },
  addLiveTranscript: (e, atMs) => {
    const t = get().transcripts;
    set({ transcripts: { ...t, items: addTranscript(t.items, fromTranscriptEvent(e, atMs)) } });
  },
  setHistory: (entries) => {
    set({ transcripts: { items: mergeHistory(get().transcripts.items, entries), problem: null } });
  },
  setHistoryProblem: (problem) => {
    set({ transcripts: { ...get().transcripts, problem } });
  },
});
