import type { ResultOf } from '../../shared/contract';
import type { EngineEvent } from '../../shared/engineEvents';

/** Recent transcripts, newest first: the engine's history at connect, then each live `transcript` event. */
export interface TranscriptItem {
  key: string;
  atMs: number;
  text: string;
  device: string;
  ep: string;
  latencyMs: number;
  /** The history entry's id (absent for a live item not yet read back from the history). */
  historyId?: string;
  /** The speech model that produced it, where known. */
  model?: string;
}

export type HistoryEntry = ResultOf<'history.list'>['entries'][number];
type TranscriptEvent = Extract<EngineEvent, { type: 'transcript' }>;

export const TRANSCRIPT_CAP = 500;

export function fromTranscriptEvent(e: TranscriptEvent, atMs: number, model?: string): TranscriptItem {
  return {
    ...(model === undefined ? {} : { model }),
    key: `live-${e.id}-${atMs}`,
    atMs,
    text: e.text,
    device: e.device,
    ep: e.ep,
    latencyMs: e.latencyMs,
  };
}

export function fromHistory(h: HistoryEntry): TranscriptItem {
  return {
    key: `h-${h.id}`,
    historyId: h.id,
    ...(h.model === undefined ? {} : { model: h.model }),
    atMs: h.atMs,
    text: h.text,
    device: h.device,
    ep: h.ep,
    latencyMs: h.latencyMs,
  };
}

export function addTranscript(
  list: readonly TranscriptItem[],
  item: TranscriptItem,
  cap = TRANSCRIPT_CAP,
): TranscriptItem[] {
  const next = [item, ...list];
  if (next.length > cap) next.length = cap;
  return next;
}

/** A live item and a history entry are the same utterance when the text matches within a few seconds. */
const SAME_UTTERANCE_MS = 10_000;

/**
 * Replace the list with the engine's history (the source of truth after a reconnect), keeping live items
 * the history does not have yet: a transcript can arrive between the request and its answer.
 */
export function mergeHistory(
  list: readonly TranscriptItem[],
  entries: readonly HistoryEntry[],
  cap = TRANSCRIPT_CAP,
): TranscriptItem[] {
  const history = entries.map(fromHistory);
  const extra = list.filter(
    (item) =>
      item.key.startsWith('live-') &&
      !history.some((h) => h.text === item.text && Math.abs(h.atMs - item.atMs) < SAME_UTTERANCE_MS),
  );
  const merged = [...extra, ...history].sort((a, b) => b.atMs - a.atMs);
  if (merged.length > cap) merged.length = cap;
  return merged;
}

/** The same utterance as `item`: itself, and a live copy of a history entry (or the entry of a live copy). */
export function sameUtterance(a: TranscriptItem, b: TranscriptItem): boolean {
  if (a.key === b.key) return true;
  return a.text === b.text && Math.abs(a.atMs - b.atMs) < SAME_UTTERANCE_MS;
}

/** The list without the utterance `item` (both its live and its history copy): a deleted entry stays gone. */
export function withoutUtterance(list: readonly TranscriptItem[], item: TranscriptItem): TranscriptItem[] {
  return list.filter((other) => !sameUtterance(other, item));
}
