import type { StateCreator } from 'zustand/vanilla';
import type { ResultOf } from '../../shared/contract';
import type { AppState } from './appStore';

export type EngineInfo = ResultOf<'info'>;

/** What the engine said about its start: probes, execution providers, settings problems, speech. */
export interface EngineSlice {
  engine: { info: EngineInfo | null; speechProblem: string | null };
  setEngineInfo: (info: EngineInfo) => void;
  setSpeechProblem: (problem: string | null) => void;
}

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set, get) => ({
  engine: { info: null, speechProblem: null },
  setEngineInfo: (info) => {
    set({ engine: { ...get().engine, info } });
  },
  setSpeechProblem: (speechProblem) => {
    set({ engine: { ...get().engine, speechProblem } });
  },
});
