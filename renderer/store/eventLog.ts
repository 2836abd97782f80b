import type { EngineEvent } from '../../shared/engineEvents';
import { levelRank } from '../../shared/pressurePolicy';

/**
 * The popover's event log: what the memory manager did and why, newest first, with a fixed cap so a long
 * session (or an engine in a failure loop) cannot grow the page without bound.
 */
export type LogSeverity = 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Unique within the session: React's key. */
  id: number;
  /** When the renderer received it (the engine's events carry no time of their own). */
  atMs: number;
  kind: EngineEvent['type'] | 'connection';
  severity: LogSeverity;
  text: string;
  /** How long the action or move took, where the engine measured it. */
  durationMs: number | null;
}

export interface EventLogState {
  entries: readonly LogEntry[];
  nextId: number;
}

export const EVENT_LOG_CAP = 200;

export const EMPTY_EVENT_LOG: EventLogState = { entries: [], nextId: 1 };

const pct = (usage: number): string => `${(usage * 100).toFixed(1)}%`;

type Described = Pick<LogEntry, 'severity' | 'text' | 'durationMs'>;

/** What one engine event says in the log, or null for events the log does not show (telemetry, text). */
export function describeForLog(e: EngineEvent): Described | null {
  switch (e.type) {
    case 'level': {
      const rising = levelRank(e.to) > levelRank(e.from);
      return {
        severity: e.to === 'EMERGENCY' ? 'error' : rising ? 'warn' : 'info',
        text: `${e.from} → ${e.to} at ${pct(e.usage)}`,
        durationMs: null,
      };
    }
    case 'action':
      return {
        severity: 'info',
        text: `${e.name} (${e.level})${e.detail ? `: ${e.detail}` : ''}`,
        durationMs: e.ms,
      };
    case 'placement':
      return {
        severity: e.to === 'cpu' && e.from === 'gpu' ? 'warn' : 'info',
        text: `${e.model}: ${e.from ?? 'loaded'} → ${e.to.toUpperCase()} — ${e.reason}`,
        durationMs: e.ms,
      };
    case 'gpu-error':
      return {
        severity: 'error',
        text: `GPU error (${e.kind}) ${e.inWindow}/${e.limit}${e.model ? ` in ${e.model}` : ''}${
          e.retriedOn ? `, retried on ${e.retriedOn.toUpperCase()}` : ''
        }: ${e.message}`,
        durationMs: null,
      };
    case 'permanent-cpu':
      return e.on
        ? {
            severity: 'error',
            text: 'Too many GPU errors: running on the CPU until Restore to GPU',
            durationMs: null,
          }
        : { severity: 'info', text: 'Permanent CPU fallback cleared', durationMs: null };
    case 'refused':
      return { severity: 'warn', text: `${e.command} refused: ${e.reason}`, durationMs: null };
    case 'probe':
      return e.ok
        ? { severity: 'info', text: 'GPU monitor recovered', durationMs: null }
        : { severity: 'error', text: `GPU monitor failed: ${e.error ?? 'unknown error'}`, durationMs: null };
    case 'failure':
      return { severity: 'error', text: `Failed while ${e.during}: ${e.message}`, durationMs: null };
    case 'protocol-error':
      return { severity: 'error', text: `Protocol: ${e.message}`, durationMs: null };
    case 'dictation':
      return {
        severity: 'info',
        text: `Dictation ${e.state} (${e.source}${e.queued ? `, ${e.queued} queued` : ''})`,
        durationMs: null,
      };
    case 'speech':
      return e.model
        ? { severity: 'info', text: `Speech model: ${e.model.id}`, durationMs: null }
        : { severity: 'error', text: `No speech model: ${e.problem ?? 'unknown reason'}`, durationMs: null };
    case 'download':
      return downloadLogEntry(e);
    case 'sample':
    case 'status':
    case 'settings':
    case 'input':
    case 'report':
    case 'transcript':
      return null;
  }
}

/** Add one entry at the front, dropping the oldest past the cap. */
export function appendLog(
  state: EventLogState,
  entry: Omit<LogEntry, 'id'>,
  cap: number = EVENT_LOG_CAP,
): EventLogState {
  const next = [{ ...entry, id: state.nextId }, ...state.entries];
  if (next.length > cap) next.length = cap;
  return { entries: next, nextId: state.nextId + 1 };
}

/** Log an engine event if the log shows that kind; otherwise the state is returned unchanged. */
export function logEngineEvent(state: EventLogState, e: EngineEvent, atMs: number): EventLogState {
  const described = describeForLog(e);
  return described ? appendLog(state, { ...described, kind: e.type, atMs }) : state;
}

/** Downloads log their start and outcome; progress goes to the model picker, not the log. */
function downloadLogEntry(e: Extract<EngineEvent, { type: 'download' }>): Described | null {
  switch (e.state) {
    case 'progress':
      return null;
    case 'started':
      return { severity: 'info', text: `Downloading ${e.modelId}`, durationMs: null };
    case 'done':
      return { severity: 'info', text: `Downloaded ${e.modelId}`, durationMs: null };
    case 'cancelled':
      return { severity: 'warn', text: `Download of ${e.modelId} cancelled`, durationMs: null };
    case 'failed':
      return {
        severity: 'error',
        text: `Download of ${e.modelId} failed: ${e.message ?? 'unknown error'}`,
        durationMs: null,
      };
  }
}
