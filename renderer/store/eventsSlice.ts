import type { StateCreator } from 'zustand/vanilla';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';
import { appendLog, EMPTY_EVENT_LOG, logEngineEvent, type EventLogState, type LogSeverity } from './eventLog';

export interface EventsSlice {
  log: EventLogState;
  logEvent: (e: EngineEvent, atMs: number) => void;
  /** Something the renderer itself has to say (connection changes, failed calls). */
  logNote: (severity: LogSeverity, text: string, atMs: number) => void;
}

export const createEventsSlice: StateCreator<AppState, [], [], EventsSlice> = (set, get) => ({
  log: EMPTY_EVENT_LOG,
  logEvent: (e, atMs) => {
    const prev = get().log;
    const next = logEngineEvent(prev, e, atMs);
    if (next !== prev) set({ log: next });
  },
  logNote: (severity, text, atMs) => {
    set({ log: appendLog(get().log, { atMs, kind: 'connection', severity, text, durationMs: null }) });
  },
});
