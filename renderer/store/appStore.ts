import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineEvent, EngineStatus } from '../../shared/engineEvents';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createDictationSlice, type DictationSlice } from './dictationSlice';
import { createEngineSlice, type EngineSlice } from './engineSlice';
import { createEventsSlice, type EventsSlice } from './eventsSlice';
import { createModelsSlice, type ModelsSlice } from './modelsSlice';
import { createSettingsSlice, type SettingsSlice } from './settingsSlice';
import { createStatusSlice, type StatusSlice } from './statusSlice';
import { createTelemetrySlice, type TelemetrySlice } from './telemetrySlice';
import { createTranscriptsSlice, type TranscriptsSlice } from './transcriptsSlice';

/** Receiving engine events: the one place that knows which slice each event feeds. */
export interface RouterSlice {
  receive: (e: EngineEvent, atMs: number) => void;
}

export type AppState = ConnectionSlice &
  StatusSlice &
  TelemetrySlice &
  EventsSlice &
  TranscriptsSlice &
  SettingsSlice &
  DictationSlice &
  EngineSlice &
  ModelsSlice &
  RouterSlice;

export type AppStore = StoreApi<AppState>;

/** The failure the engine reports when no speech model could be loaded (FirstRun reads it). */
export const SPEECH_LOAD_STEP = 'loading the speech model';

/** A vanilla store: React reads it through hooks, the timeline and unit tests use it directly. */
export function createAppStore(): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createConnectionSlice(...a),
    ...createStatusSlice(...a),
    ...createTelemetrySlice(...a),
    ...createEventsSlice(...a),
    ...createTranscriptsSlice(...a),
    ...createSettingsSlice(...a),
    ...createDictationSlice(...a),
    ...createEngineSlice(...a),
    ...createModelsSlice(...a),
    receive: (e, atMs) => {
      const s = a[1]();
      switch (e.type) {
        case 'sample':
          // With several GPUs the gauge and the timeline follow the most pressed one (the status's `gpu`);
          // the GPU rows show each from the status.
          if (!isShownGpu(s.status, e.sample.gpu.index)) return;
          s.pushReading({
            atMs: e.sample.atMs,
            usage: e.usage,
            usedMiB: e.sample.usedMiB,
            totalMiB: e.sample.totalMiB,
          });
          s.setProcesses(e.sample.topProcesses);
          return;
        case 'status':
          s.applyStatus(e.status);
          return;
        case 'settings':
          // Saved here or in another window: the saved values follow, any edits in progress are kept.
          s.setSavedSettings(e.settings);
          return;
        case 'level':
          // The badge is the most pressed GPU's level: another GPU's change waits for the status it brings.
          if (e.gpu === undefined || isShownGpu(s.status, e.gpu)) s.patchLevel(e.to);
          break;
        case 'transcript':
          s.addLiveTranscript(e, atMs);
          return;
        case 'dictation':
          s.applyDictationEvent(e, atMs);
          break;
        case 'input':
          s.applyEngineLevel(e.level);
          return;
        case 'failure':
          if (e.during === SPEECH_LOAD_STEP) s.setSpeechProblem(e.message);
          break;
        case 'speech':
          s.setSpeechProblem(e.problem);
          break;
        case 'download':
          s.applyDownloadEvent(e);
          break;
        default:
          break;
      }
      s.logEvent(e, atMs);
    },
  }));
}

/** The GPU whose figures the gauge, the badge and the timeline show: the only one, or the most pressed. */
function isShownGpu(status: EngineStatus | null, gpu: number): boolean {
  if (!status || status.gpus.length <= 1) return true;
  return status.gpu?.index === gpu;
}
