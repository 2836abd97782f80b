import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';
import { validateMemorySettings } from '../../../shared/settings';
import { MemoryManager } from '../memory/memoryManager';
import { SamplingLoop } from '../memory/samplingLoop';
import { SimulatedGpu } from '../memory/simulatedGpu';
import { classifyGpuError } from '../models/gpuErrors';
import { ModelHost } from '../models/modelHost';
import type { Feeds, SessionFactory } from '../models/session';
import { createSimulatedSessionFactory } from '../models/simulatedSessionFactory';
import { VirtualClock } from '../runtime/clock';
import type { Scenario, ScenarioStep } from './scenario';

export type TimedEvent = EngineEvent & { tMs: number };
export interface RequestCounts {
  served: number;
  retriedOnCpu: number;
  lost: number;
}
export type EndEvent = { type: 'end'; tMs: number; status: EngineStatus; requests: RequestCounts };

export interface RunOptions {
  emit: (event: TimedEvent | EndEvent) => void;
  /** Pace simulated time to the wall clock (demos). */
  realtime?: boolean;
  /** Runs models that give a `path` for real (onnxruntime on the CPU). */
  realFactory?: SessionFactory | null;
  /** Inputs for real models' requests, by model id. */
  feedsFor?: (modelId: string) => Feeds;
}

const PROBE_HICCUP_READINGS = 3;

/**
 * Drives the real MemoryManager and ModelHost against a simulated GPU in virtual time.
 * Requests go to every GPU-preferring model each interval, so faults and moves are felt by
 * traffic and lost requests can be counted.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<EndEvent> {
  const clock = new VirtualClock(0);
  const gpu = new SimulatedGpu(scenario.gpu);
  const emit = (e: EngineEvent) => opts.emit({ ...e, tMs: clock.now() });
  let failReadings = 0;
  const read = (nowMs: number) => {
    if (failReadings > 0) {
      failReadings--;
      gpu.probeFailure = true;
    }
    try {
      return gpu.sample(nowMs);
    } finally {
      gpu.probeFailure = false;
    }
  };
  let loop: SamplingLoop | null = null;
  const host = new ModelHost({
    factory: createSimulatedSessionFactory(gpu, opts.realFactory ?? null),
    clock,
    readFreeMiB: () => Promise.resolve(gpu.freeMiB),
    onPlacement: (p) => emit({ type: 'placement', ...p }),
    onGpuError: (e) => manager.recordGpuError(e.kind, e.message, e.modelId, 'cpu'),
  });
  const manager: MemoryManager = new MemoryManager({
    settings: scenario.settings,
    host,
    clock,
    gpuAvailable: true,
    probeKind: 'simulated',
    requestSample: () => clock.setTimeout(() => loop?.sampleNow(), 0),
    emit,
  });
  loop = new SamplingLoop({
    clock,
    intervalMs: scenario.settings.intervalMs,
    read,
    onSample: (s) => manager.onSample(s),
    onError: (message) => manager.onProbeError(message),
  });

  const applyStep = (step: ScenarioStep) => {
    if (step.externalMiB !== undefined) gpu.externalMiB = step.externalMiB;
    if (step.probeFailure !== undefined) failReadings = probeFailures(step.probeFailure);
    if (step.settings !== undefined) applySettings(step.settings);
    if (step.gpuError !== undefined) injectGpuError(step.gpuError);
    if (step.command === 'restore') void manager.restore();
    if (step.command === 'offload') void manager.offload();
  };
  const applySettings = (patch: Record<string, unknown>) => {
    const merged = validateMemorySettings({ ...manager.settingsSnapshot(), ...patch });
    if (!merged.ok) {
      emit({ type: 'refused', command: 'settings', reason: merged.errors.join('; ') });
      return;
    }
    manager.updateSettings(merged.settings);
    loop?.setInterval(merged.settings.intervalMs);
  };
  // With a model on the GPU the fault hits its next run; with none, the device reports it itself.
  const injectGpuError = (message: string) => {
    if (host.views().some((m) => m.device === 'gpu')) gpu.injectError(message);
    else manager.recordGpuError(classifyGpuError(message), message, null, null);
  };

  const requests: RequestCounts = { served: 0, retriedOnCpu: 0, lost: 0 };
  const sendRequests = () => {
    for (const m of scenario.models.filter((x) => x.prefer === 'gpu')) {
      host.run(m.id, opts.feedsFor?.(m.id) ?? {}).then(
        (r) => {
          requests.served++;
          if (r.retriedOnCpu) requests.retriedOnCpu++;
        },
        () => requests.lost++,
      );
    }
  };
  const every = (ms: number, fn: () => void) => {
    const tick = () => {
      fn();
      clock.setTimeout(tick, ms);
    };
    clock.setTimeout(tick, ms);
  };

  for (const step of scenario.steps) clock.setTimeout(() => applyStep(step), step.atMs);
  await clock.runUntil(0, () => manager.idle());
  manager.onSample(gpu.sample(0));
  for (const m of scenario.models) await manager.load({ ...m, path: m.path });
  loop.start();
  every(scenario.settings.intervalMs, sendRequests);
  every(scenario.settings.reportIntervalMs, () => manager.report());

  const wallStart = performance.now();
  await clock.runUntil(scenario.durationMs, async () => {
    await settle(manager);
    if (opts.realtime) await sleep(clock.now() - (performance.now() - wallStart));
  });
  loop.stop();
  await settle(manager);
  const end: EndEvent = { type: 'end', tMs: clock.now(), status: manager.status(), requests };
  await host.releaseAll();
  opts.emit(end);
  return end;
}

/** Let promise chains started by a timer (runs, moves, actions) finish before time moves on. */
async function settle(manager: MemoryManager): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    await manager.idle();
  }
}

function probeFailures(v: boolean | number): number {
  if (v === true) return PROBE_HICCUP_READINGS;
  if (v === false) return 0;
  return v;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
