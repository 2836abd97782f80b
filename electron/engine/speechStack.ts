import type { EngineEvent } from '../../shared/engineEvents';
import type { Settings } from '../../shared/settings';
import { DictationService } from './dictation/dictationService';
import { openHistoryStore, type HistoryStore } from './history/historyStore';
import type { MemoryManager } from './memory/memoryManager';
import type { ModelSpec } from './models/session';
import { recoverInstalls } from './models/installRecovery';
import { userDataPaths } from './runtime/userDataDir';
import { loadRecognizer, type LoadedRecognizer } from './stt/loadRecognizer';
import { locateModel, type ModelLocation } from './stt/modelLocation';
import type { ModelRunner } from './stt/recognizer';

export interface SpeechStackDeps {
  dataDir: string;
  manager: MemoryManager;
  settings: () => Settings;
  run: ModelRunner;
  emit: (event: EngineEvent) => void;
  /** How a model is placed before loading (a scenario counts it at its stand-in's simulated size). */
  place?: (spec: ModelSpec) => ModelSpec;
}

/** A model found and its files checked, not yet holding any session. */
export interface PreparedModel {
  location: ModelLocation;
  recognizer: LoadedRecognizer;
}

interface Loaded extends PreparedModel {
  service: DictationService;
}

/**
 * The speech model behind dictation and the switch from one model to another. A model that cannot load
 * leaves the engine running (memory protection, status, history) with the reason kept and shown.
 */
export class SpeechStack {
  readonly history: HistoryStore;
  private loaded: Loaded | null = null;
  private problem: string | null = null;
  private recovery: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SpeechStackDeps) {
    this.history = openHistoryStore(deps.dataDir, {
      onProblem: (message) => deps.emit({ type: 'failure', during: 'reading the history', message }),
    });
  }

  /** At engine start: never throws; a failure is kept as the problem and reported. */
  async start(model: string): Promise<void> {
    await this.repairInstalls();
    try {
      await this.attach(await this.prepare(model));
      // Speech a crashed engine left in the dictation journal: transcribed in the background.
      this.recovery = this.loaded?.service.recoverInterrupted() ?? Promise.resolve();
    } catch (error) {
      this.problem = `no speech model could be loaded: ${messageOf(error)}`;
      this.deps.emit({ type: 'failure', during: 'loading the speech model', message: this.problem });
    }
    this.announce();
  }

  /**
   * Before any model is looked for: a re-install torn between its two renames is put back, leftovers are
   * removed (recoverInstalls), each said in a `failure` event so the log has it.
   */
  private async repairInstalls(): Promise<void> {
    const dir = userDataPaths(this.deps.dataDir).models;
    const notes = await recoverInstalls(dir).catch((error: unknown) => [
      `could not check ${dir}: ${messageOf(error)}`,
    ]);
    for (const message of notes)
      this.deps.emit({ type: 'failure', during: 'checking model installs', message });
  }

  /** Find the model and check its files (cheap; no session yet). Throws the reason. */
  async prepare(model: string): Promise<PreparedModel> {
    const location = await locateModel(model || undefined, this.deps.dataDir);
    return { location, recognizer: await loadRecognizer(location.dir) };
  }

  get dictating(): boolean {
    return this.loaded?.service.active ?? false;
  }

  /**
   * Swap to a prepared model between dictations: the old sessions are released first (the ids are shared),
   * then the new ones load where the memory manager places them. If the new one fails, the old one is loaded
   * back and the error is thrown; if that fails too, speech is down with the reason shown.
   */
  async switchTo(next: PreparedModel): Promise<void> {
    if (this.dictating) throw new Error('stop dictating before switching the speech model');
    await this.recovery;
    const previous = this.loaded;
    await this.detach();
    try {
      await this.attach(next);
      this.problem = null;
    } catch (error) {
      await this.unloadModels(next.recognizer);
      this.problem = `${next.location.id} could not be loaded: ${messageOf(error)}`;
      if (previous) {
        await this.attach(previous).then(
          () => (this.problem = null),
          (again: unknown) =>
            (this.problem = `${this.problem}; ${previous.location.id}: ${messageOf(again)}`),
        );
      }
      this.announce();
      throw new Error(`${next.location.id} could not be loaded: ${messageOf(error)}`);
    }
    this.announce();
  }

  get dictation(): DictationService {
    if (!this.loaded) throw new Error(this.problem ?? 'no speech model is loaded');
    return this.loaded.service;
  }

  /** The dictation service when a model is loaded, else null (never throws, unlike `dictation`). */
  get loadedDictation(): DictationService | null {
    return this.loaded?.service ?? null;
  }

  get active(): { id: string; source: string } | null {
    return this.loaded ? { id: this.loaded.location.id, source: this.loaded.location.source } : null;
  }

  get speechProblem(): string | null {
    return this.problem;
  }

  async stop(): Promise<void> {
    await this.recovery;
    await this.loaded?.service.release();
    await this.history.close();
  }

  private async attach({ location, recognizer }: PreparedModel): Promise<void> {
    for (const m of recognizer.models) await this.deps.manager.load(this.deps.place?.(m) ?? m);
    const service = new DictationService(recognizer, {
      historyDir: userDataPaths(this.deps.dataDir).history,
      history: this.history,
      settings: this.deps.settings,
      run: this.deps.run,
      emit: this.deps.emit,
      model: location.id,
    });
    this.loaded = { location, recognizer, service };
  }

  private async detach(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    this.loaded = null;
    await loaded.service.release();
    await this.unloadModels(loaded.recognizer);
  }

  private async unloadModels(recognizer: LoadedRecognizer): Promise<void> {
    for (const m of recognizer.models) await this.deps.manager.unload(m.id).catch(() => undefined);
  }

  private announce(): void {
    this.deps.emit({ type: 'speech', model: this.active, problem: this.problem });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
