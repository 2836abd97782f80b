import type { EngineEvent, EngineStatus } from '../../shared/engineEvents';
import { validateSettings, type Settings } from '../../shared/settings';
import { GpuMonitor } from './memory/gpuMonitor';
import type { CommandResult, MemoryManager } from './memory/memoryManager';
import { createMemoryStack } from './memory/memoryStack';
import type { ProbeAttempt, ProbeChoice } from './memory/probes/openProbe';
import { probeExecutionProviders, type EpProbeReport } from './models/executionProviders';
import type { ModelHost, RunResult } from './models/modelHost';
import { createHostedSessionFactory } from './models/sessionHost';
import type { Feeds, ModelSpec } from './models/session';
import { wallClock, type TimerHandle } from './runtime/clock';
import { loadSettings, saveSettings, type SettingsProblem } from './runtime/settingsFile';
import { userDataPaths } from './runtime/userDataDir';
import type { Scenario } from './simulation/scenario';
import type { DictationService, DictationState } from './dictation/dictationService';
import type { CatalogEntry } from './models/catalog';
import { ModelLibrary } from './models/modelLibrary';
import { SpeechStack } from './speechStack';
import { StatusFeed } from './statusFeed';
import { SampleHistory } from './sampleHistory';
import { SimulatedRig } from './simulation/simulatedRig';
import { speechInScenario } from './simulation/speechStandIn';

export interface EngineOptions {
  dataDir: string;
  probe: ProbeChoice;
  /** Scenario mode: a simulated GPU driven on wall time (demos, the browser harness). */
  scenario?: Scenario | undefined;
  emit: (event: EngineEvent) => void;
  models?: ModelSpec[];
  /** Load the speech model (settings.speech.model, else the first installed, else the bundled one) for dictation. */
  speech?: boolean;
  /** Catalog entries beyond the built-in ones (`--catalog FILE`: a mirror, a test server). */
  extraCatalog?: readonly CatalogEntry[];
}

const SPEECH_OFF = 'speech is not enabled in this engine';

export class SettingsRejected extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'SettingsRejected';
  }
}

interface Parts {
  manager: MemoryManager;
  host: ModelHost;
  stop: () => Promise<void>;
  eps: EpProbeReport | null;
  probeAttempts: ProbeAttempt[];
}

/**
 * The engine: settings, the GPU monitor, the memory manager and the model host, wired together.
 * Electron starts it as a utility process; tests and the CLI start the same code directly.
 */
export class Engine {
  private reportTimer: TimerHandle | null = null;

  private constructor(
    private settings: Settings,
    readonly settingsFile: string,
    readonly settingsProblem: SettingsProblem | null,
    private readonly parts: Parts,
    readonly library: ModelLibrary,
    private readonly feed: StatusFeed,
    private readonly emit: (event: EngineEvent) => void,
    private readonly samples: SampleHistory,
  ) {}

  static async start(opts: EngineOptions): Promise<Engine> {
    const file = userDataPaths(opts.dataDir).settings;
    const loaded = await loadSettings(file);
    let settings = loaded.settings;
    if (opts.scenario) settings = { ...settings, memory: opts.scenario.settings };
    // A real speech model (the engine's, or the CLI's in `models`) takes the place of the scenario's `stt`
    // stand-in (speechStandIn.ts).
    const realSpeech = opts.speech === true || (opts.models ?? []).some((m) => m.role === 'stt');
    const shared = opts.scenario && realSpeech ? speechInScenario(opts.scenario) : null;
    const scenario = shared?.scenario ?? opts.scenario;
    // Every event may change the status: the feed looks (throttled) and pushes it when it did.
    let built: Parts | null = null;
    const feed = new StatusFeed({
      clock: wallClock,
      read: () => built?.manager.status() ?? null,
      emit: opts.emit,
    });
    // The last minutes of readings, for windows that open later (`samples.recent`).
    const samples = new SampleHistory();
    const emit = (e: EngineEvent) => {
      samples.observe(e);
      opts.emit(e);
      feed.poke();
    };
    const parts = scenario
      ? await startSimulated(scenario, emit)
      : await startReal(settings, opts.probe, emit);
    built = parts;
    samples.startAt(parts.manager.status().level);
    const library = new ModelLibrary({
      modelsDir: userDataPaths(opts.dataDir).models,
      extraCatalog: opts.extraCatalog ?? [],
      emit,
    });
    const engine = new Engine(settings, file, loaded.problem, parts, library, feed, emit, samples);
    for (const m of opts.models ?? []) await parts.manager.load(shared?.place(m) ?? m);
    if (opts.speech) {
      engine.speech = new SpeechStack({
        dataDir: opts.dataDir,
        manager: parts.manager,
        settings: () => engine.settings,
        run: (id, feeds) => engine.run(id, feeds),
        ...(shared ? { place: shared.place } : {}),
        emit: (e) => {
          // Dictation is what idle release watches: it gives the GPU back when nobody dictates for a while.
          // (`transcribing` changes nothing there: the dictation is still running.)
          if (e.type === 'dictation' && e.state !== 'transcribing') parts.manager.noteDictation(e.state);
          if (e.type === 'transcript') parts.manager.noteDictation('transcript');
          emit(e);
        },
      });
      await engine.speech.start(settings.speech.model);
    }
    engine.scheduleReport();
    return engine;
  }

  private speech: SpeechStack | null = null;

  get dictation(): DictationService {
    if (!this.speech) throw new Error(SPEECH_OFF);
    return this.speech.dictation;
  }

  /** Where dictation is now; with speech off or no model, nothing is dictating. */
  dictationState(): DictationState {
    return this.speech?.loadedDictation?.state() ?? { state: 'stopped', source: null, listeningForMs: null };
  }

  async listHistory(limit: number) {
    if (!this.speech) throw new Error(SPEECH_OFF);
    return (await this.speech.history.list({ limit })).entries;
  }

  async deleteHistory(id: string): Promise<boolean> {
    if (!this.speech) throw new Error(SPEECH_OFF);
    return this.speech.history.delete(id);
  }

  async clearHistory(): Promise<void> {
    if (!this.speech) throw new Error(SPEECH_OFF);
    await this.speech.history.clear();
  }

  listModels() {
    return this.library.list({
      active: this.speech?.active ?? null,
      speechProblem: this.speech ? this.speech.speechProblem : SPEECH_OFF,
      speechEnabled: this.speech !== null,
    });
  }

  get manager(): MemoryManager {
    return this.parts.manager;
  }

  get executionProviders(): EpProbeReport | null {
    return this.parts.eps;
  }

  get probeAttempts(): ProbeAttempt[] {
    return this.parts.probeAttempts;
  }

  status(): EngineStatus {
    return this.parts.manager.status();
  }

  recentSamples() {
    return { windowMs: this.samples.windowMs, samples: this.samples.recent() };
  }

  /** Run a model wherever the memory manager has placed it now (retried on the CPU after a GPU error). */
  run(modelId: string, feeds: Feeds): Promise<RunResult> {
    return this.parts.host.run(modelId, feeds);
  }

  /** Restore and Offload also change what no event reports (the user's pin): the feed looks after each. */
  restore(): Promise<CommandResult> {
    return this.parts.manager.restore().finally(() => this.feed.poke());
  }

  offload(): Promise<CommandResult> {
    return this.parts.manager.offload().finally(() => this.feed.poke());
  }

  getSettings(): Settings {
    return this.settings;
  }

  /**
   * Validate, persist atomically, then apply. Invalid settings change nothing. A new speech model is found and
   * checked before anything is saved, and swapped in after; if the swap fails the old model and the old
   * setting come back.
   */
  async setSettings(input: unknown): Promise<Settings> {
    const result = validateSettings(input);
    if (!result.ok) throw new SettingsRejected(result.errors);
    const previous = this.settings;
    const next = await this.prepareModelSwitch(result.settings.speech.model);
    await saveSettings(this.settingsFile, result.settings);
    this.settings = result.settings;
    this.parts.manager.updateSettings(result.settings.memory);
    this.scheduleReport();
    this.emit({ type: 'settings', settings: result.settings });
    if (next && this.speech) {
      try {
        await this.speech.switchTo(next);
      } catch (error) {
        // The old model is back (switchTo restores it): the setting follows, so the next start agrees.
        const reverted = {
          ...result.settings,
          speech: { ...result.settings.speech, model: previous.speech.model },
        };
        await saveSettings(this.settingsFile, reverted).catch(() => undefined);
        this.settings = reverted;
        this.emit({ type: 'settings', settings: reverted });
        throw error;
      }
    }
    return result.settings;
  }

  private async prepareModelSwitch(model: string) {
    if (!this.speech || model === this.settings.speech.model) return null;
    if (this.speech.dictating)
      throw new SettingsRejected(['speech.model: stop dictating before switching the speech model']);
    return this.speech.prepare(model).catch((error: unknown) => {
      throw new SettingsRejected([`speech.model: ${error instanceof Error ? error.message : String(error)}`]);
    });
  }

  report(): string {
    return this.parts.manager.report();
  }

  async stop(): Promise<void> {
    this.reportTimer?.cancel();
    this.feed.stop();
    await this.library.release();
    await this.speech?.stop();
    await this.parts.stop();
  }

  private scheduleReport(): void {
    this.reportTimer?.cancel();
    const every = this.settings.memory.reportIntervalMs;
    const tick = () => {
      this.parts.manager.report();
      this.reportTimer = wallClock.setTimeout(tick, every);
    };
    this.reportTimer = wallClock.setTimeout(tick, every);
  }
}

async function startReal(
  settings: Settings,
  probe: ProbeChoice,
  emit: (e: EngineEvent) => void,
): Promise<Parts> {
  let manager: MemoryManager | null = null;
  const monitor = new GpuMonitor({
    onSample: (s) => manager?.onSample(s),
    onError: (message) => manager?.onProbeError(message),
  });
  const ready = await monitor.start({
    probe,
    gpu: settings.memory.gpu,
    pid: process.pid,
    intervalMs: settings.memory.intervalMs,
  });
  // Probing WebGPU after CUDA would leave a Dawn context holding VRAM: stop at the first that works.
  const eps = ready.kind === 'none' ? null : await probeExecutionProviders({ stopAtFirstGpu: true });
  const gpuEp = eps?.gpuEp ?? null;
  const stack = createMemoryStack({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    settings: settings.memory,
    gpuAvailable: gpuEp !== null,
    probeKind: ready.kind,
    readings: {
      readFreeMiB: async (gpu) => (await monitor.sampleNow(gpu))?.freeMiB ?? null,
      requestSample: (afterMs, gpu) => void wallClock.setTimeout(() => void monitor.sampleNow(gpu), afterMs),
      readProcessMiB: async (gpu) => (await monitor.sampleNow(gpu))?.processMiB ?? null,
      setSamplingInterval: (ms) => monitor.setInterval(ms),
    },
    emit,
  });
  const { host } = stack;
  manager = stack.manager;
  for (const last of monitor.lastSamples()) manager.onSample(last);
  return {
    manager,
    host,
    stop: async () => {
      await monitor.stop();
      await host.releaseAll();
    },
    eps,
    probeAttempts: ready.attempts,
  };
}

async function startSimulated(scenario: Scenario, emit: (e: EngineEvent) => void): Promise<Parts> {
  // Models with a file run for real on the CPU; their GPU placement is simulated VRAM.
  const rig = new SimulatedRig(scenario, {
    clock: wallClock,
    emit,
    realFactory: createHostedSessionFactory({ gpuEp: null }),
  });
  rig.scheduleSteps();
  await rig.start();
  return {
    manager: rig.manager,
    host: rig.host,
    stop: () => rig.stop(),
    eps: null,
    probeAttempts: [{ kind: 'simulated', ok: true }],
  };
}
