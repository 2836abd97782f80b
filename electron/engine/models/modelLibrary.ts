/**
 * The engine's side of "choose a model and download it": the catalog merged with what is installed, and
 * background downloads reported as `download` events. Downloads run beside dictation and never block the
 * contract: a pull answers at once and the progress arrives as events.
 */
import type { ModelListing, ModelListingEntry } from '../../../shared/contract';
import type { EngineEvent } from '../../../shared/engineEvents';
import { downloadBytes, MODEL_CATALOG, type CatalogEntry } from './catalog';
import { downloadModel, ModelDownloadError, type DownloadProgress } from './downloader';
import { listInstalledModels, type InstalledModel } from './installedModels';

export interface ModelLibraryOptions {
  modelsDir: string;
  /** Entries beyond the built-in catalog (a mirror's catalog file, a test server). */
  extraCatalog?: readonly CatalogEntry[];
  emit: (event: EngineEvent) => void;
  /** Gap between progress events of one file; the UI needs a few per second, not hundreds. */
  progressIntervalMs?: number;
}

export interface ActiveSpeech {
  active: { id: string; source: string } | null;
  speechProblem: string | null;
  speechEnabled: boolean;
}

export class ModelLibrary {
  readonly catalog: readonly CatalogEntry[];
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly opts: ModelLibraryOptions) {
    this.catalog = [...MODEL_CATALOG, ...(opts.extraCatalog ?? [])];
  }

  async list(speech: ActiveSpeech): Promise<ModelListing> {
    const installed = await listInstalledModels(this.opts.modelsDir);
    const byId = new Map(installed.map((m) => [m.id, m]));
    const models: ModelListingEntry[] = this.catalog.map((e) => this.entryOf(e, byId.get(e.id) ?? null));
    for (const m of installed) {
      if (!this.catalog.some((e) => e.id === m.id)) models.push(unlistedEntry(m));
    }
    return { modelsDir: this.opts.modelsDir, models, ...speech };
  }

  /**
   * Bundled models need no install (they are read where the app ships them). Others download in the
   * background; the answer comes before the first byte, the outcome as a `download` event.
   */
  pull(id: string, allowUnverified: boolean): { id: string; state: 'started' | 'installed' } {
    const entry = this.catalog.find((e) => e.id === id);
    if (!entry) {
      throw new Error(`no model "${id}" in the catalog (known: ${this.catalog.map((e) => e.id).join(', ')})`);
    }
    if (entry.bundledDir !== undefined) return { id, state: 'installed' };
    if (this.running.has(id)) throw new Error(`${id} is already downloading`);
    const unconfirmed = entry.files.filter((f) => f.unverified === true || f.sha256 === null);
    if (unconfirmed.length > 0 && !allowUnverified) {
      // Refused before anything starts, so the user sees why at the button and not in a later event.
      throw new Error(
        `${id} has no confirmed checksum for ${unconfirmed.map((f) => f.name).join(', ')}: ` +
          `install it only if you trust ${entry.source}, by allowing unverified files`,
      );
    }
    const abort = new AbortController();
    const done = this.download(entry, allowUnverified, abort.signal).finally(() => this.running.delete(id));
    this.running.set(id, { abort, done });
    return { id, state: 'started' };
  }

  cancel(id: string): boolean {
    const job = this.running.get(id);
    job?.abort.abort();
    return job !== undefined;
  }

  /** Stop every download (engine shutdown); partial files stay for the next pull to resume. */
  async release(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const j of jobs) j.abort.abort();
    await Promise.all(jobs.map((j) => j.done));
  }

  private async download(entry: CatalogEntry, allowUnverified: boolean, signal: AbortSignal): Promise<void> {
    const total = downloadBytes(entry);
    let last: DownloadProgress | null = null;
    const emit = (state: 'started' | 'progress' | 'done' | 'failed' | 'cancelled', extra = {}) =>
      this.opts.emit({
        type: 'download',
        modelId: entry.id,
        state,
        bytes: last?.bytes ?? 0,
        total: last?.total ?? total,
        ...(last ? { file: last.file } : {}),
        ...extra,
      });
    emit('started');
    try {
      await downloadModel(entry, {
        modelsDir: this.opts.modelsDir,
        allowUnverified,
        signal,
        progressIntervalMs: this.opts.progressIntervalMs ?? 250,
        onProgress: (p) => {
          last = p;
          emit('progress');
        },
      });
      emit('done');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof ModelDownloadError && error.code === 'aborted') {
        emit('cancelled', { message: 'cancelled; the partial download is kept and a new pull resumes it' });
      } else {
        const retryable = error instanceof ModelDownloadError && error.retryable;
        emit('failed', { message, retryable });
      }
    }
  }

  private entryOf(e: CatalogEntry, installed: InstalledModel | null): ModelListingEntry {
    const bundled = e.bundledDir !== undefined;
    return {
      id: e.id,
      title: e.title,
      family: e.family,
      downloadBytes: bundled ? null : downloadBytes(e),
      expectedVramMiB: e.expectedVramMiB,
      installed: bundled || installed !== null,
      bundled,
      unverified: e.files.some((f) => f.unverified === true || f.sha256 === null),
      inCatalog: true,
      licence: e.licence.name,
      notes: e.notes ?? null,
      downloading: this.running.has(e.id),
      problem: installed?.problem ?? null,
    };
  }
}

/** A folder the user put in the models folder themselves. */
function unlistedEntry(m: InstalledModel): ModelListingEntry {
  return {
    id: m.id,
    title: m.id,
    family: m.manifest?.family ?? null,
    downloadBytes: null,
    expectedVramMiB: null,
    installed: true,
    bundled: false,
    unverified: false,
    inCatalog: false,
    licence: null,
    notes: null,
    downloading: false,
    problem: m.problem,
  };
}
