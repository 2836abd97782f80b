import type { StateCreator } from 'zustand/vanilla';
import type { ModelListing } from '../../shared/contract';
import type { EngineEvent } from '../../shared/engineEvents';
import type { AppState } from './appStore';

type DownloadEvent = Extract<EngineEvent, { type: 'download' }>;

/** The last word on one model's download, as the picker shows it. */
export interface DownloadView {
  state: DownloadEvent['state'];
  bytes: number;
  total: number | null;
  message: string | null;
  retryable: boolean;
}

/** The catalog and installed models (models.list) and the downloads running or last finished. */
export interface ModelsSlice {
  models: { listing: ModelListing | null; downloads: Readonly<Record<string, DownloadView>> };
  setModelListing: (listing: ModelListing) => void;
  applyDownloadEvent: (e: DownloadEvent) => void;
}

export const createModelsSlice: StateCreator<AppState, [], [], ModelsSlice> = (set, get) => ({
  models: { listing: null, downloads: {} },
  setModelListing: (listing) => {
    set({
      models: { ...get().models, listing },
      engine: { ...get().engine, speechProblem: listing.speechProblem },
    });
  },
  applyDownloadEvent: (e) => {
    const m = get().models;
    const view: DownloadView = {
      state: e.state,
      bytes: e.bytes,
      total: e.total,
      message: e.message ?? null,
      retryable: e.retryable ?? false,
    };
    set({ models: { ...m, downloads: { ...m.downloads, [e.modelId]: view } } });
  },
});

/** Download events after which models.list says something new (installed, no longer downloading). */
export function endsDownload(e: EngineEvent): boolean {
  return e.type === 'download' && e.state !== 'progress';
}
