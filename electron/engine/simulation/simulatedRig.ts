import type { EngineEvent } from '../../../shared/engineEvents';
import type { GpuSample } from '../../../shared/gpuSample';
import { byGpuPriority } from '../../../shared/restorePolicy';
import { validateMemorySettings } from '../../../shared/settings';
import type { MemoryManager } from '../memory/memoryManager';
import { createMemoryStack } from '../memory/memoryStack';
import { SamplingLoop } from '../memory/samplingLoop';
import { SimulatedGpu } from '../memory/simulatedGpu';
import { classifyGpuError } from '../models/gpuErrors';
import type { ModelHost } from '../models/modelHost';
import type { Feeds, ModelSpec, SessionFactory } from '../models/session';
import { createSimulatedSessionFactory } from '../models/simulatedSessionFactory';
import type { Clock } from '../runtime/clock';
import { mergeSettings, type Scenario, type ScenarioStep } from './scenario';

export interface RequestCounts {
  served: number;
  retriedOnCpu: number;
  lost: number;
}

export interface RigOptions {
  clock: Clock;
  emit: (event: EngineEvent) => void;
  /** Runs models that give a `path` for real (onnxruntime on the CPU). */
  realFactory?: SessionFactory | null;
  feedsFor?: (modelId: string) => Feeds;
}

const PROBE_HICCUP_READINGS = 3;

/**
 * The real MemoryManager and ModelHost wired to a simulated GPU, on any clock: virtual for
 * `simulate` and tests, wall time for the engine's scenario mode (demos, the browser harness).
 */
export class SimulatedRig {
  /** GPU n is `gpus[n]`. */
  readonly gpus: SimulatedGpu[];
  readonly host: ModelHost;
  readonly manager: MemoryManager;
  readonly loop: SamplingLoop;
  readonly requests: RequestCounts = { served: 0, retriedOnCpu: 0, lost: 0 };
  /** Per GPU: how many more of its readings fail. */
  private readonly failReadings = new Map<number, number>();
  /** Runs still in a session host (another thread): a virtual-time run must not end or move on before them. */
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly opts: RigOptions,
  ) {
    const { clock, emit } = opts;
    this.gpus = scenario.gpus.map((g, index) => new SimulatedGpu({ ...g, index }));
    ({ host: this.host, manager: this.manager } = createMemoryStack({
      factory: createSimulatedSessionFactory(this.gpus, opts.realFactory ?? null),
      clock,
      settings: scenario.settings,
      gpuAvailable: true,
      probeKind: 'simulated',
      readings: {
        readFreeMiB: (gpu) => Promise.resolve(this.gpuAt(gpu).freeMiB),
        // One tick reads every GPU, as the monitor does.
        requestSample: (afterMs) => clock.setTimeout(() => this.loop.sampleNow(), afterMs),
        readProcessMiB: (gpu) => Promise.resolve(this.gpuAt(gpu).ourMiB),
        setSamplingInterval: (ms) => this.loop.setInterval(ms),
      },
      emit,
    }));
    this.loop = new SamplingLoop({
      clock,
      intervalMs: scenario.settings.intervalMs,
      read: (now) => this.read(now),
      onSample: (s) => this.manager.onSample(s),
      onError: (message) => this.manager.onProbeError(message),
    });
  }

  /** The first GPU (the only one of a one-GPU scenario). */
  get gpu(): SimulatedGpu {
    return this.gpuAt(0);
  }

  private gpuAt(index: number): SimulatedGpu {
    const gpu = this.gpus[index];
    if (!gpu) throw new Error(`no simulated GPU ${index}`);
    return gpu;
  }

  /** Schedule every step on the clock (relative to now). */
  scheduleSteps(): void {
    for (const step of this.scenario.steps) this.opts.clock.setTimeout(() => this.applyStep(step), step.atMs);
  }

  /**
   * A current reading before each load (admission judges none on a stale figure; a real model takes seconds to
   * load on the wall clock), the models in priority order, then sample at the cadence.
   */
  async start(): Promise<void> {
    const read = () => {
      for (const gpu of this.gpus) this.manager.onSample(gpu.sample(this.opts.clock.now()));
    };
    read();
    for (const m of loadOrder(this.scenario.models)) {
      if (!this.manager.hasCurrentReading()) read();
      await this.manager.load(m);
    }
    this.loop.start();
  }

  /** The periodic status report (the engine has its own timer for this in scenario mode). */
  startReports(): void {
    this.every(this.scenario.settings.reportIntervalMs, () => this.manager.report());
  }

  /** Requests to every GPU-preferring model every `requestEveryMs`, so faults and moves meet traffic. */
  startTraffic(): void {
    this.every(this.scenario.requestEveryMs, () => {
      for (const m of this.scenario.models.filter((x) => x.prefer === 'gpu')) this.sendRequest(m.id);
    });
  }

  async stop(): Promise<void> {
    this.loop.stop();
    this.stopped = true;
    await this.manager.idle();
    await this.host.releaseAll();
  }

  /**
   * A model switch, as the app makes one: each model is taken out and loaded again where the manager places it.
   * The app refuses a switch while dictating, so no request goes to a model while it is out.
   */
  private switchModels(): void {
    for (const m of this.scenario.models) {
      void this.manager
        .unload(m.id)
        .then(() => this.manager.load(m))
        .catch((error: unknown) =>
          this.opts.emit({
            type: 'failure',
            during: `switching model ${m.id}`,
            message: error instanceof Error ? error.message : String(error),
          }),
        );
    }
  }

  private sendRequest(id: string): void {
    if (!this.host.has(id)) return; // out for a model switch
    const request = this.host.run(id, this.opts.feedsFor?.(id) ?? {}).then(
      (r) => {
        this.manager.noteDictation('transcript'); // a scenario's traffic is its dictation (idle release)
        this.requests.served++;
        if (r.retriedOnCpu) this.requests.retriedOnCpu++;
      },
      () => {
        this.requests.lost++;
      },
    );
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }

  /** Resolves once every request sent so far was served or lost: virtual time waits for them. */
  async requestsSettled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private applyStep(step: ScenarioStep): void {
    const gpu = this.gpuAt(step.gpu);
    if (step.externalMiB !== undefined) gpu.externalMiB = step.externalMiB;
    if (step.probeFailure !== undefined) this.failReadings.set(step.gpu, probeFailures(step.probeFailure));
    if (step.settings !== undefined) this.applySettings(step.settings);
    if (step.gpuError !== undefined) this.injectGpuError(step.gpuError, step.gpu);
    if (step.command === 'restore') void this.manager.restore();
    if (step.command === 'offload') void this.manager.offload();
    if (step.command === 'switch') this.switchModels();
  }

  private applySettings(patch: Record<string, unknown>): void {
    const merged = validateMemorySettings(mergeSettings(this.manager.settingsSnapshot(), patch));
    if (!merged.ok) {
      this.opts.emit({ type: 'refused', command: 'settings', reason: merged.errors.join('; ') });
      return;
    }
    this.manager.updateSettings(merged.settings);
  }

  /** With a model on that GPU the fault hits its next run there; with none, the device reports it itself. */
  private injectGpuError(message: string, index: number): void {
    if (this.host.views().some((m) => m.gpu === index)) this.gpuAt(index).injectError(message);
    else this.manager.recordGpuError(classifyGpuError(message), message, null, null, index);
  }

  /**
   * One reading of every GPU. A failing GPU fails the whole tick, as a real probe's query of all devices does;
   * its `failReadings` count down either way.
   */
  private read(nowMs: number): GpuSample[] {
    for (const gpu of this.gpus) {
      const left = this.failReadings.get(gpu.info.index) ?? 0;
      gpu.probeFailure = left > 0;
      if (left > 0) this.failReadings.set(gpu.info.index, left - 1);
    }
    try {
      return this.gpus.map((gpu) => gpu.sample(nowMs));
    } finally {
      for (const gpu of this.gpus) gpu.probeFailure = false;
    }
  }

  private every(ms: number, fn: () => void): void {
    const tick = () => {
      if (this.stopped) return;
      fn();
      this.opts.clock.setTimeout(tick, ms);
    };
    this.opts.clock.setTimeout(tick, ms);
  }
}

/** CPU models in their order, then GPU ones by priority: the speech model takes the GPU's room first. */
function loadOrder(models: readonly ModelSpec[]): ModelSpec[] {
  const gpu = models
    .filter((m) => m.prefer === 'gpu')
    .map((spec) => ({ spec, role: spec.role, estimateMiB: spec.sizeMiB }));
  return [...models.filter((m) => m.prefer !== 'gpu'), ...byGpuPriority(gpu).map((g) => g.spec)];
}

function probeFailures(v: boolean | number): number {
  if (v === true) return PROBE_HICCUP_READINGS;
  if (v === false) return 0;
  return v;
}
