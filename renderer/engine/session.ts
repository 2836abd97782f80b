import type { EngineClient } from '../../shared/engineClient';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppStore } from '../store/appStore';
import { endsDownload } from '../store/modelsSlice';
import { StatusRefresher } from './statusRefresher';
import { errorMessage, withTimeout } from './withTimeout';

/** Events after which the status (levels, models, restoreBlocker) is worth asking for again. */
const STATUS_CHANGING: ReadonlySet<EngineEvent['type']> = new Set([
  'sample',
  'level',
  'action',
  'placement',
  'gpu-error',
  'permanent-cpu',
  'probe',
  'refused',
  'failure',
]);

const CALL_MS = 10_000;
/** Without GPU samples (no GPU, a failed probe) nothing pokes the refresher: poll slowly instead. */
const POLL_MS = 2000;
export const HISTORY_LIMIT = 50;

/**
 * Feeds the store from one engine: events as they come, and a full resync (status, settings, info,
 * history) whenever a link goes live, since the engine behind it may be a new process.
 */
export class EngineSession {
  private client: EngineClient | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly refresher = new StatusRefresher(() => this.fetchStatus());
  private poll: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly store: AppStore) {}

  /** The connection's onLive: swap to the new client and load everything. Never rejects. */
  async sync(client: EngineClient): Promise<void> {
    this.unsubscribe?.();
    this.client = client;
    this.unsubscribe = client.onEvent((e) => {
      this.store.getState().receive(e, Date.now());
      if (STATUS_CHANGING.has(e.type)) this.refresher.poke();
      if (e.type === 'speech' || endsDownload(e)) void this.fetchModels();
    });
    this.poll ??= setInterval(() => this.refresher.poke(), POLL_MS);
    const s = this.store.getState();
    const call = <T>(p: Promise<T>) => withTimeout(p, CALL_MS, 'the engine did not answer in time');
    await Promise.all([
      this.fetchStatus().catch((e: unknown) => s.logNote('error', `Status: ${errorMessage(e)}`, Date.now())),
      call(client.call('settings.get')).then(
        (settings) => s.setSavedSettings(settings),
        (e: unknown) => s.logNote('error', `Settings: ${errorMessage(e)}`, Date.now()),
      ),
      call(client.call('info')).then(
        (info) => s.setEngineInfo(info),
        (e: unknown) => s.logNote('warn', `Engine info: ${errorMessage(e)}`, Date.now()),
      ),
      this.fetchModels(),
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

  /** Ask for the status soon (after a command, say); coalesced with the event-driven refreshes. */
  refreshStatus(): void {
    this.refresher.poke();
  }

  stop(): void {
    this.unsubscribe?.();
    this.refresher.stop();
    if (this.poll) clearInterval(this.poll);
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

  private async fetchStatus(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const status = await withTimeout(client.call('status'), CALL_MS, 'status did not answer');
    // A late answer from a replaced client must not overwrite the new engine's status.
    if (client === this.client) this.store.getState().applyStatus(status);
  }
}
