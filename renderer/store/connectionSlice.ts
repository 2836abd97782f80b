import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './appStore';

/** Whether the UI is talking to an engine: the banner and every engine-bound button read this. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'failed';

export interface ConnectionInfo {
  state: ConnectionState;
  /** Why it is not live (the last error), for the banner. */
  detail: string | null;
  /** The engine process answering now; a new pid means the engine restarted. */
  pid: number | null;
}

export interface ConnectionSlice {
  connection: ConnectionInfo;
  setConnection: (state: ConnectionState, detail?: string | null, pid?: number | null) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connection: { state: 'connecting', detail: null, pid: null },
  setConnection: (state, detail = null, pid = null) => {
    set({ connection: { state, detail, pid } });
  },
});
