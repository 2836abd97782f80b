import type { EngineEvent, EngineEventType, EngineStatus } from '../../../shared/engineEvents';
import type { GpuSample } from '../../../shared/gpuSample';
import { validateMemorySettings, type MemorySettings } from '../../../shared/settings';
import type { LevelCallbackName, MemoryManager } from '../../../electron/engine/memory/memoryManager';
import { createMemoryStack } from '../../../electron/engine/memory/memoryStack';
import { SamplingLoop } from '../../../electron/engine/memory/samplingLoop';
import { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import type { ModelHost } from '../../../electron/engine/models/modelHost';
import type { ModelSpec, SessionFactory } from '../../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../../electron/engine/models/simulatedSessionFactory';
import { VirtualClock } from '../../../electron/engine/runtime/clock';

export type Timed<E> = E & { tMs: number };
export type EventOf<T extends EngineEventType> = Timed<Extract<EngineEvent, { type: T }>>;

export const STT: ModelSpec = { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' };
export const VAD: ModelSpec = { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' };

export interface RigOptions {
  /** Memory settings (validated); defaults tuned for fast virtual-time tests. */
  settings?: Record<string, unknown>;
  totalMiB?: number;
  reservedMiB?: number;
  externalMiB?: number;
  /** Replaces the simulated session factory (which takes simulated VRAM). */
  factory?: (gpu: SimulatedGpu) => SessionFactory;
  gpuAvailable?: boolean;
}

/**
 * The real MemoryManager, ModelHost, SamplingLoop and SimulatedGpu on a VirtualClock, wired the
 * way runScenario wires them, with every event, callback and probe attempt recorded.
 */
export class ManagerRig {
  readonly clock = new VirtualClock(0);
  readonly gpu: SimulatedGpu;
  readonly host: ModelHost;
  readonly manager: MemoryManager;
  readonly loop: SamplingLoop;
  readonly settings: MemorySettings;
  readonly events: Timed<EngineEvent>[] = [];
  readonly callbacks: { name: LevelCallbackName; tMs: number; status: EngineStatus }[] = [];
  /** Every probe attempt's time, and whether it succeeded. */
  readonly reads: { tMs: number; ok: boolean }[] = [];
  /** The retry delays the loop reported with each probe error. */
  readonly retryDelays: number[] = [];
  /** The next probe reading sees this much external memory, once (a single spike). */
  spikeExternalMiB: number | null = null;

  constructor(opts: RigOptions = {}) {
    const settings = validateMemorySettings({
      intervalMs: 100,
      recoveryDwellMs: 1000,
      cooldownMs: 60_000,
      reportIntervalMs: 60_000,
      // Runs here are not dictation: idle release has its own tests and opts in.
      idleReleaseMinutes: 0,
      ...opts.settings,
    });
    if (!settings.ok) throw new Error(settings.errors.join('; '));
    this.settings = settings.settings;
    this.gpu = new SimulatedGpu({
      name: 'Test GPU',
      totalMiB: opts.totalMiB ?? 8000,
      reservedMiB: opts.reservedMiB ?? 300,
    });
    this.gpu.externalMiB = opts.externalMiB ?? 1000;
    const emit = (e: EngineEvent) => this.events.push({ ...e, tMs: this.clock.now() });
    ({ host: this.host, manager: this.manager } = createMemoryStack({
      factory: opts.factory ? opts.factory(this.gpu) : createSimulatedSessionFactory(this.gpu, null),
      clock: this.clock,
      settings: this.settings,
      gpuAvailable: opts.gpuAvailable ?? true,
      probeKind: 'simulated',
      readings: {
        readFreeMiB: () => Promise.resolve(this.gpu.freeMiB),
        requestSample: (afterMs) => this.clock.setTimeout(() => this.loop.sampleNow(), afterMs),
        readProcessMiB: () => Promise.resolve(this.gpu.ourMiB),
        setSamplingInterval: (ms) => this.loop.setInterval(ms),
      },
      emit,
    }));
    this.loop = new SamplingLoop({
      clock: this.clock,
      intervalMs: this.settings.intervalMs,
      read: (nowMs) => this.read(nowMs),
      onSample: (s) => this.manager.onSample(s),
      onError: (message, retryInMs) => {
        this.retryDelays.push(retryInMs);
        this.manager.onProbeError(message);
      },
    });
    for (const name of ['normal', 'warning', 'critical', 'emergency', 'emergency_shutdown'] as const) {
      this.manager.on(name, (status) => this.callbacks.push({ name, tMs: this.clock.now(), status }));
    }
  }

  private read(nowMs: number): GpuSample {
    const spike = this.spikeExternalMiB;
    this.spikeExternalMiB = null;
    const normal = this.gpu.externalMiB;
    if (spike !== null) this.gpu.externalMiB = spike;
    try {
      const sample = this.gpu.sample(nowMs);
      this.reads.push({ tMs: nowMs, ok: true });
      return sample;
    } catch (error) {
      this.reads.push({ tMs: nowMs, ok: false });
      throw error;
    } finally {
      this.gpu.externalMiB = normal;
    }
  }

  /** One reading before the models load (admission needs it), the models, then the loop. */
  async start(models: ModelSpec[] = [VAD, STT]): Promise<void> {
    this.manager.onSample(this.gpu.sample(0));
    for (const m of models) await this.manager.load(m);
    this.loop.start();
    await this.settle();
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((r) => setImmediate(r));
      await this.manager.idle();
    }
  }

  /** Run virtual time up to `ms`, letting the engine's async work finish after each timer. */
  async runTo(ms: number): Promise<void> {
    await this.clock.runUntil(ms, () => this.settle());
    await this.settle();
  }

  /** Do something at a virtual time (before the loop's reading at that time). */
  at(ms: number, fn: () => void): void {
    this.clock.setTimeout(fn, ms - this.clock.now());
  }

  of<T extends EngineEventType>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  levels(): string[] {
    return this.of('level').map((e) => `${e.from}->${e.to}@${e.tMs}`);
  }

  placements(model = 'stt'): string[] {
    return this.of('placement')
      .filter((e) => e.model === model)
      .map((e) => `${e.from ?? 'new'}->${e.to}@${e.tMs}`);
  }

  device(model = 'stt'): string {
    return this.host.view(model).device;
  }

  /** A request to a model, the way the scenario runner sends them. */
  run(model = 'stt') {
    return this.host.run(model, {});
  }
}
