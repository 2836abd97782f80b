import type { EngineClient } from '../../shared/engineClient';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppStore } from '../store/appStore';
import { endsDownload } from '../store/modelsSlice';
import { errorMessage, withTimeout } from './withTimeout';

const CALL_MS = 10_000;
export const HISTORY_LIMIT = 50;

/**
 * Feeds the store from one engine: events as they come, and a full resync (status, settings, info,
 * history) whenever a link goes live, since the engine behind it may be a new process. After that the
 * engine pushes its status and settings (`status` and `settings` events): nothing here asks again or polls.
 */
/**
 * `all`: a full window. `overlay`: the recording overlay, whose port may read status, settings and info
 * only (shared/capabilities.ts); asking it for models or history would only earn refusals.
 */
export type SessionReads = 'all' | 'overlay';

export class EngineSession {
  private client: EngineClient | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Status, settings and dictation events received: a resync's answer must not replace a newer pushed one. */
  private readonly pushed = { status: 0, settings: 0, dictation: 0 };

  constructor(
    private readonly store: AppStore,
    private readonly reads: SessionReads = 'all',
  ) {}

  /** The connection's onLive: swap to the new client and load everything. Never rejects. */
  async sync(client: EngineClient): Promise<void> {
    this.unsubscribe?.();
    this.client = client;
    this.unsubscribe = client.onEvent((e) => this.onEvent(e));
    const s = this.store.getState();
    const call = <T>(p: Promise<T>) => withTimeout(p, CALL_MS, 'the engine did not answer in time');
    const all = this.reads === 'all';
    await Promise.all([
      this.fetchStatus().catch((e: unknown) => s.logNote('error', `Status: ${errorMessage(e)}`, Date.now())),
      this.fetchDictation().catch((e: unknown) =>
        s.logNote('warn', `Dictation state: ${errorMessage(e)}`, Date.now()),
      ),
      // Only windows draw the timeline; the overlay's port may not read it.
      all &&
        this.fetchRecentSamples().catch((e: unknown) =>
          s.logNote('warn', `Timeline history: ${errorMessage(e)}`, Date.now()),
        ),
      this.fetchSettings().catch((e: unknown) =>
        s.logNote('error', `Settings: ${errorMessage(e)}`, Date.now()),
      ),
      call(client.call('info')).then(
        (info) => s.setEngineInfo(info),
        (e: unknown) => s.logNote('warn', `Engine info: ${errorMessage(e)}`, Date.now()),
      ),
      all && this.fetchModels(),
      all &&
        call(client.call('history.list', { limit: HISTORY_LIMIT })).then(
          (h) => s.setHistory(h.entries),
          (e: unknown) => s.setHistoryProblem(errorMessage(e)),
        ),
    ]);
  }

  /** The link is gone: stop listening to the old client; what the store shows stays until the resync. */
  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.client = null;
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'status' || e.type === 'settings' || e.type === 'dictation') this.pushed[e.type]++;
    this.store.getState().receive(e, Date.now());
    if (this.reads === 'all' && (e.type === 'speech' || endsDownload(e))) void this.fetchModels();
  }

  /** The model list changes with downloads and switches; never rejects (the picker says it is missing). */
  async fetchModels(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const listing = await withTimeout(client.call('models.list'), CALL_MS, 'models.list did not answer');
      if (client === this.client) this.store.getState().setModelListing(listing);
    } catch (e) {
      this.store.getState().logNote('warn', `Models: ${errorMessage(e)}`, Date.now());
    }
  }

  /** The status once, on connecting: the events that follow keep it current. */
  private async fetchStatus(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const pushedBefore = this.pushed.status;
    const status = await withTimeout(client.call('status'), CALL_MS, 'status did not answer');
    // A late answer from a replaced client, or one a pushed status overtook, is older than what the store has.
    if (client === this.client && this.pushed.status === pushedBefore)
      this.store.getState().applyStatus(status);
  }

  /**
   * Dictation once, on connecting: a dictation the hotkey or the tray started before this window connected shows
   * at once (with its elapsed time); `dictation` events follow.
   */
  private async fetchDictation(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const pushedBefore = this.pushed.dictation;
    const d = await withTimeout(client.call('dictation.state'), CALL_MS, 'dictation.state did not answer');
    if (client !== this.client || this.pushed.dictation !== pushedBefore) return;
    const now = Date.now();
    const event = { type: 'dictation', state: d.state, source: d.source ?? '', queued: 0 } as const;
    this.store.getState().applyDictationEvent(event, now - (d.listeningForMs ?? 0));
  }

  /** The last minutes of readings once, on connecting: the timeline starts full; `sample` events follow. */
  private async fetchRecentSamples(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const recent = await withTimeout(client.call('samples.recent'), CALL_MS, 'samples.recent did not answer');
    if (client === this.client) this.store.getState().backfillReadings(recent.samples);
  }

  /** The settings once, on connecting: `settings` events bring every later change, from any window. */
  private async fetchSettings(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const pushedBefore = this.pushed.settings;
    const settings = await withTimeout(client.call('settings.get'), CALL_MS, 'settings.get did not answer');
    if (client === this.client && this.pushed.settings === pushedBefore)
      this.store.getState().setSavedSettings(settings);
  }
}
