import type { EngineApi } from '../engine/engineApi';
import type { AppStore } from '../store/appStore';
import { sameUtterance, type TranscriptItem } from '../store/transcripts';

const LOOKUP_LIMIT = 200;

/**
 * Delete one transcript from the engine's history, then from every list here. A live item has no history id
 * yet: it is looked up among the newest entries (same text, within seconds) first.
 */
export async function deleteTranscript(api: EngineApi, store: AppStore, item: TranscriptItem): Promise<void> {
  let id = item.historyId;
  if (id === undefined) {
    const { entries } = await api.call('history.list', { limit: LOOKUP_LIMIT });
    const saved = (e: (typeof entries)[number]) => ({
      ...item,
      key: `h-${e.id}`,
      text: e.text,
      atMs: e.atMs,
    });
    id = entries.find((e) => sameUtterance(item, saved(e)))?.id;
  }
  if (id !== undefined) await api.call('history.delete', { id });
  store.getState().forgetTranscript(item);
}

export async function clearHistory(api: EngineApi, store: AppStore): Promise<void> {
  await api.call('history.clear');
  store.getState().forgetAllTranscripts();
}
