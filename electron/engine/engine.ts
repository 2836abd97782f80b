import type { EngineEvent, EngineStatus } from '../../shared/engineEvents';
import { validateSettings, type Settings } from '../../shared/settings';
import { GpuMonitor } from './memory/gpuMonitor';
import { MemoryManager, type CommandResult } from './memory/memoryManager';
import type { ProbeAttempt, ProbeChoice } from './memory/probes/openProbe';
import { probeExecutionProviders, type EpProbeReport } from './models/executionProviders';
import { ModelHost, type RunResult } from './models/modelHost';
import { createOrtSessionFactory } from './models/ortSessionFactory';
import type { Feeds, ModelSpec } from './models/session';
import { wallClock, type TimerHandle } from './runtime/clock';
import { loadSettings, saveSettings, type SettingsProblem } from './runtime/settingsFile';
import { userDataPaths } from './runtime/userDataDir';
import type { Scenario } from './simulation/scenario';
import { DictationService } from './dictation/dictationService';
import { openHistoryStore, type HistoryStore } from './history/historyStore';
import { loadRecognizer } from './stt/loadRecognizer';
import { locateModel } from './stt/modelLocation';
import { SimulatedRig } from './simulation/simulatedRig';

export interface EngineOptions {
  dataDir: string;
  probe: ProbeChoice;
  /** Scenario mode: a simulated GPU driven on wall time (demos, the browser harness). */
  scenario?: Scenario | undefined;
  emit: (event: EngineEvent) => void;
  models?: ModelSpec[];
  /** Load the speech model (settings.speech.model, else the first installed, else the bundled one) for dictation. */
  speech?: boolean;
}

export class SettingsRejected extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'SettingsRejected';
  }
}

interface Parts {
  manager: MemoryManager;
  host: ModelHost;
  applyInterval: (ms: number) => void;
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
  ) {}

  static async start(opts: EngineOptions): Promise<Engine> {
    const file = userDataPaths(opts.dataDir).settings;
    const loaded = await loadSettings(file);
    let settings = loaded.settings;
    if (opts.scenario) settings = { ...settings, memory: opts.scenario.settings };
    const parts = opts.scenario
      ? await startSimulated(opts.scenario, opts.emit)
      : await startReal(settings, opts.probe, opts.emit);
    const engine = new Engine(settings, file, loaded.problem, parts);
    for (const m of opts.models ?? []) await parts.manager.load(m);
    if (opts.speech) await engine.startSpeech(opts.dataDir, opts.emit);
    engine.scheduleReport();
    return engine;
  }

  private dictationService: DictationService | null = null;
  private recovery: Promise<unknown> = Promise.resolve();
  private history: HistoryStore | null = null;
  private speechProblem = 'speech is not enabled in this engine';

  /** A model that cannot load leaves the engine running (memory protection, status) with the reason kept. */
  private async startSpeech(dataDir: string, emit: (e: EngineEvent) => void): Promise<void> {
    this.history = openHistoryStore(dataDir);
    try {
      const location = await locateModel(this.settings.speech.model || undefined, dataDir);
      const recognizer = await loadRecognizer(location.dir);
      for (const m of recognizer.models) await this.parts.manager.load(m);
      this.dictationService = new DictationService(recognizer, {
        historyDir: userDataPaths(dataDir).history,
        history: this.history,
        settings: () => this.settings,
        run: (id, feeds) => this.run(id, feeds),
        emit,
      });
      // Speech a crashed engine left in the dictation journal: transcribed in the background.
      this.recovery = this.dictationService.recoverInterrupted();
    } catch (error) {
      this.speechProblem = `no speech model could be loaded: ${error instanceof Error ? error.message : String(error)}`;
      emit({ type: 'failure', during: 'loading the speech model', message: this.speechProblem });
    }
  }

  get dictation(): DictationService {
    if (!this.dictationService) throw new Error(this.speechProblem);
    return this.dictationService;
  }

  async listHistory(limit: number) {
    if (!this.history) throw new Error(this.speechProblem);
    return (await this.history.list({ limit })).entries;
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

  /** Run a model wherever the memory manager has placed it now (retried on the CPU after a GPU error). */
  run(modelId: string, feeds: Feeds): Promise<RunResult> {
    return this.parts.host.run(modelId, feeds);
  }

  restore(): Promise<CommandResult> {
    return this.parts.manager.restore();
  }

  offload(): Promise<CommandResult> {
    return this.parts.manager.offload();
  }

  getSettings(): Settings {
    return this.settings;
  }

  /** Validate, persist atomically, then apply. Invalid settings change nothing. */
  async setSettings(input: unknown): Promise<Settings> {
    const result = validateSettings(input);
    if (!result.ok) throw new SettingsRejected(result.errors);
    await saveSettings(this.settingsFile, result.settings);
    this.settings = result.settings;
    this.parts.manager.updateSettings(result.settings.memory);
    this.parts.applyInterval(result.settings.memory.intervalMs);
    this.scheduleReport();
    return result.settings;
  }

  report(): string {
    return this.parts.manager.report();
  }

  async stop(): Promise<void> {
    this.reportTimer?.cancel();
    await this.recovery;
    await this.dictationService?.release();
    await this.history?.close();
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
  const host = new ModelHost({
    factory: createOrtSessionFactory({ gpuEp }),
    clock: wallClock,
    readFreeMiB: async () => (await monitor.sampleNow())?.freeMiB ?? null,
    onPlacement: (p) => emit({ type: 'placement', ...p }),
    onGpuError: (e) => manager?.recordGpuError(e.kind, e.message, e.modelId, 'cpu'),
  });
  manager = new MemoryManager({
    settings: settings.memory,
    host,
    clock: wallClock,
    gpuAvailable: gpuEp !== null,
    probeKind: ready.kind,
    requestSample: () => void monitor.sampleNow(),
    emit,
  });
  const last = monitor.lastSample;
  if (last) manager.onSample(last);
  return {
    manager,
    host,
    applyInterval: (ms) => monitor.setInterval(ms),
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
    realFactory: createOrtSessionFactory({ gpuEp: null }),
  });
  rig.scheduleSteps();
  await rig.start();
  return {
    manager: rig.manager,
    host: rig.host,
    applyInterval: (ms) => rig.loop.setInterval(ms),
    stop: () => rig.stop(),
    eps: null,
    probeAttempts: [{ kind: 'simulated', ok: true }],
  };
}
