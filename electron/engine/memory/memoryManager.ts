import type { EngineEvent, EngineStatus, GpuStatus } from '../../../shared/engineEvents';
import { mostFree, mostRoom } from '../../../shared/gpuPlacement';
import { usageOf, type GpuSample } from '../../../shared/gpuSample';
import {
  levelRank,
  levelRulesChanged,
  reclassify,
  restoreDwellElapsed,
  stepPolicy,
  type Decision,
  type Level,
} from '../../../shared/pressurePolicy';
import {
  byGpuPriority,
  checkAdmission,
  checkReading,
  checkRestore,
  type ReadingInput,
  type Verdict,
} from '../../../shared/restorePolicy';
import { nextIntervalMs } from '../../../shared/adaptiveSampling';
import { addPoint, msUntil, risingSteadily, slopePerSecond } from '../../../shared/usageTrend';
import type { MemorySettings } from '../../../shared/settings';
import { classifyGpuError, type GpuErrorKind } from '../models/gpuErrors';
import type { ModelHost, ModelView } from '../models/modelHost';
import type { ModelSpec } from '../models/session';
import type { Clock } from '../runtime/clock';
import { cleanupAggressive, cleanupLight, type CleanupResult } from './cleanup';
import { GpuWatches, type GpuWatch } from './gpuWatches';
import { formatDuration, formatStatusReport, gpuStatusOf } from './statusReport';

export type LevelCallbackName = 'normal' | 'warning' | 'critical' | 'emergency' | 'emergency_shutdown';
export type LevelCallback = (status: EngineStatus) => void;

export interface MemoryManagerDeps {
  settings: MemorySettings;
  host: ModelHost;
  clock: Clock;
  /** Whether a GPU execution provider exists at all. */
  gpuAvailable: boolean;
  probeKind: string;
  /** Ask the monitor for a reading of `gpu` `afterMs` from now (confirms a spike before an offload). */
  requestSample: (afterMs: number, gpu: number) => void;
  /** Read the GPU memory this process holds on `gpu` now, as the probe attributes it (null: it cannot). */
  readProcessMiB?: (gpu: number) => Promise<number | null>;
  /** Apply a new sampling interval (adaptive sampling); absent where the caller samples on its own cadence. */
  setSamplingInterval?: (ms: number) => void;
  emit: (event: EngineEvent) => void;
}

export interface CommandResult {
  ok: boolean;
  /** Why it could not (fully) succeed, one sentence per model. */
  reasons: string[];
  moved: string[];
}

const RESTORE_BACKOFF_MS = { first: 5_000, max: 300_000 };
/** Until a model's CPU copy has been built once, its build time is guessed from its size (FACTS.md: ~5 ms/MiB). */
const BUILD_MS_PER_MIB = 5;
/** A predictive pre-warm starts this much earlier than the build strictly needs. */
const PREWARM_MARGIN_MS = 1_000;

/**
 * The heart: turns GPU readings into levels (through the pure pressure policy) and levels into
 * actions on the models, recovers from GPU errors, and restores models when memory frees up.
 * Actions and model moves are serialized on one queue.
 *
 * Every watched GPU has its own reading, level, trend and strikes. A model goes to the GPU with the most room;
 * pressure on its GPU pre-warms a copy on a calm GPU (CRITICAL) and moves there (EMERGENCY) before the CPU.
 * A GPU whose strikes reach the limit is out; permanent CPU fallback comes only when no GPU is left.
 */
export class MemoryManager {
  private settings: MemorySettings;
  private readonly watches = new GpuWatches();
  private probeError: string | null = null;
  /** GPU errors since the user last cleared them (Restore); only the strikes in the window count. */
  private gpuErrorCount = 0;
  private permanentCpu = false;
  private pinnedByUser = false;
  /** Idle release: when dictation was last active, whether it is now, and whether the models left for idleness. */
  private lastDictationAtMs: number;
  private dictating = false;
  private idleReleased = false;
  private restoreBackoffMs = 0;
  private restoreNotBeforeMs = 0;
  private restoring = false;
  private samplingMs: number;
  private readonly prewarming = new Set<string>();
  private work: Promise<unknown> = Promise.resolve();
  private readonly callbacks = new Map<LevelCallbackName, LevelCallback[]>();

  constructor(private readonly deps: MemoryManagerDeps) {
    this.settings = deps.settings;
    this.samplingMs = deps.settings.intervalMs;
    this.lastDictationAtMs = deps.clock.now();
  }

  /** The level of the most pressed GPU. */
  get level(): Level {
    return this.watches.mostPressed()?.policy.level ?? 'NORMAL';
  }

  on(name: LevelCallbackName, cb: LevelCallback): void {
    this.callbacks.set(name, [...(this.callbacks.get(name) ?? []), cb]);
  }

  settingsSnapshot(): MemorySettings {
    return this.settings;
  }

  /**
   * A user's change applies at once, the sampling interval included. New thresholds re-classify the level on the
   * latest reading at once: hysteresis and the dwell filter noisy readings, not the user.
   */
  updateSettings(settings: MemorySettings): void {
    const previous = this.settings;
    this.settings = settings;
    if (levelRulesChanged(previous, settings)) this.reclassifyNow();
    this.adaptInterval(true);
  }

  private reclassifyNow(): void {
    for (const w of this.watches.all()) {
      const step = reclassify(w.policy, usageOf(w.sample), this.deps.clock.now(), this.settings);
      w.policy = step.state;
      this.apply(step.decisions, w);
    }
    this.maybeAutoRestore();
  }

  /** Every watched GPU's latest reading is recent and the probe works: figures worth loading a model on. */
  hasCurrentReading(): boolean {
    const all = this.watches.all();
    return all.length > 0 && all.every((w) => checkReading(this.readingInput(w.sample)).ok);
  }

  private readingInput(s: GpuSample): ReadingInput {
    return {
      ageMs: this.deps.clock.now() - s.atMs,
      // Two intervals: one reading may be late, two missing ones mean the figures are out of date.
      maxAgeMs: 2 * this.samplingMs,
      probeError: this.probeError,
    };
  }

  /** Everything queued so far has finished. */
  async idle(): Promise<void> {
    let seen: Promise<unknown> | null = null;
    while (seen !== this.work) {
      seen = this.work;
      await seen;
      await this.deps.host.idle();
    }
  }

  /**
   * Load a model where it belongs: on the GPU if it prefers it and admission passes
   * (free − estimate ≥ headroom), else on the CPU with the reason kept for the UI.
   */
  load(spec: ModelSpec): Promise<void> {
    return this.enqueue(async () => {
      const { device, gpu, reason } = this.placementFor(spec);
      if (device === 'cpu') return this.deps.host.add(spec, 'cpu', reason);
      const seen = this.watches.get(gpu)?.sample ?? null;
      try {
        await this.deps.host.add(spec, 'gpu', reason, gpu);
        // The next load in the same breath must not be admitted into the room this one just took.
        this.projectLoad(gpu, seen, this.deps.host.view(spec.id).vramMiB || spec.sizeMiB);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const kind = classifyGpuError(message);
        if (kind === 'not-gpu') throw error;
        this.recordGpuError(kind, message, spec.id, 'cpu', gpu);
        await this.deps.host.add(spec, 'cpu', `GPU load failed (${kind}): ${message.split('\n')[0] ?? ''}`);
      }
    });
  }

  /** Take a model out (the user switched speech models); serialized with actions and other moves. */
  unload(id: string): Promise<void> {
    return this.enqueue(() => this.deps.host.remove(id));
  }

  /** Where a model goes: the CPU, or the GPU (its index) where it fits with the most room left. */
  private placementFor(spec: ModelSpec): { device: 'gpu' | 'cpu'; gpu: number; reason: string } {
    const cpu = (reason: string) => ({ device: 'cpu' as const, gpu: 0, reason });
    if (spec.prefer === 'cpu') return cpu(`${spec.role} runs best on the CPU`);
    if (this.settings.devicePreference === 'cpu') return cpu('device preference is CPU');
    if (!this.deps.gpuAvailable) return cpu('no GPU execution provider is available');
    if (this.permanentCpu) return cpu('permanent CPU fallback after repeated GPU errors');
    const usable = this.watches.usable();
    if (this.watches.size === 0) {
      const reason = 'prefers the GPU (memory not readable; loading without admission)';
      return { device: 'gpu', gpu: 0, reason };
    }
    const current = usable.filter((w) => checkReading(this.readingInput(w.sample)).ok);
    const first = usable[0];
    if (current.length === 0 && first) {
      const stale = checkReading(this.readingInput(first.sample));
      return cpu(`admission: ${stale.ok ? 'no current GPU reading' : stale.reason}`);
    }
    const rooms = current.map((w) => ({ index: w.sample.gpu.index, freeMiB: w.sample.freeMiB }));
    const best = mostRoom(rooms, spec.sizeMiB, this.settings.headroomMiB);
    if (!best) {
      const admitted = checkAdmission({
        modelId: spec.id,
        neededMiB: spec.sizeMiB,
        freeMiB: mostFree(rooms)?.freeMiB ?? 0,
        headroomMiB: this.settings.headroomMiB,
      });
      return cpu(`admission: ${admitted.ok ? 'no GPU admits it' : admitted.reason}`);
    }
    const where = this.watches.size > 1 ? ` on GPU ${best.index}, the most room` : '';
    return {
      device: 'gpu',
      gpu: best.index,
      reason: `prefers the GPU; ${Math.round(best.freeMiB)} MiB free${where}`,
    };
  }

  onSample(sample: GpuSample): void {
    const usage = usageOf(sample);
    const w = this.watches.take(sample);
    this.deps.emit({ type: 'sample', sample, usage });
    if (this.probeError !== null) {
      this.probeError = null;
      this.deps.emit({ type: 'probe', ok: true });
    }
    w.trend = addPoint(w.trend, { atMs: sample.atMs, usage });
    const step = stepPolicy(w.policy, usage, sample.atMs, this.settings, risingSteadily(w.trend));
    w.policy = step.state;
    this.apply(step.decisions, w);
    this.prewarmAhead(w);
    this.adaptInterval(false);
    this.maybeIdleRelease();
    this.maybeAutoRestore();
  }

  /**
   * Dictation started, produced a transcript, or stopped. Starting after an idle release brings the models back:
   * the CPU copy serves the first utterances at once and the GPU copy loads when the restore rules allow it.
   */
  noteDictation(state: 'listening' | 'transcript' | 'stopped'): void {
    this.lastDictationAtMs = this.deps.clock.now();
    if (state === 'listening') this.dictating = true;
    if (state === 'stopped') this.dictating = false;
    if (state !== 'listening' || !this.idleReleased) return;
    this.idleReleased = false;
    // Unloaded models start their CPU copy now, while the user speaks: the first utterance finds it (nearly) ready.
    for (const m of this.deps.host.views()) if (m.unloaded) this.deps.host.unpark(m.id);
    this.maybeAutoRestore();
  }

  /** Nobody dictated for `idleReleaseMinutes`: give the GPU memory back to games and LLMs. */
  private maybeIdleRelease(): void {
    const minutes = this.settings.idleReleaseMinutes;
    if (minutes === 0 || this.idleReleased || this.dictating || this.deps.host.inFlight() > 0) return;
    if (this.deps.clock.now() - this.lastDictationAtMs < minutes * 60_000) return;
    if (!this.deps.host.views().some((m) => m.device === 'gpu')) return;
    this.idleReleased = true;
    this.background('idle release', () => this.idleRelease(minutes));
  }

  /** To the CPU copies, or (`idleUnload`) out of memory altogether; either way the GPU is given back. */
  private async idleRelease(minutes: number): Promise<void> {
    const level = this.level;
    const started = performance.now();
    const before = await this.ourMiBOnAllGpus();
    const unload = this.settings.idleUnload;
    const reason = unload
      ? `unloaded after ${minutes} min idle: loads again when you dictate`
      : `released after ${minutes} min idle: back on the GPU when you dictate`;
    const ids = unload ? await this.unloadGpuModels(reason) : await this.offloadAll(reason);
    const freedMiB = difference(before, await this.ourMiBOnAllGpus());
    const detail = `${unload ? 'unloaded' : 'moved to the CPU'}: ${ids.join(', ') || 'nothing'}`;
    this.deps.emit({
      type: 'action',
      name: 'idle-release',
      level,
      ms: performance.now() - started,
      freedMiB,
      detail,
    });
  }

  private async unloadGpuModels(reason: string): Promise<string[]> {
    const onGpu = this.deps.host.views().filter((m) => m.device === 'gpu');
    const results = await Promise.all(onGpu.map((m) => this.deps.host.park(m.id, reason)));
    return onGpu.filter((_, i) => results[i]).map((m) => m.id);
  }

  private apply(decisions: Decision[], w: GpuWatch): void {
    const gpu = w.sample.gpu.index;
    for (const d of decisions) {
      if (d.kind === 'level') this.enterLevel(d.from, d.to, d.usage, gpu);
      else if (d.kind === 'actions' && d.level === 'EMERGENCY') this.evacuateGpu(w.sample);
      else if (d.kind === 'actions')
        this.background(`${d.level} actions`, () => this.runActions(d.level, gpu));
      else this.deps.requestSample(d.afterMs, gpu);
    }
  }

  onProbeError(message: string): void {
    const first = this.probeError === null;
    this.probeError = message;
    if (first) this.deps.emit({ type: 'probe', ok: false, error: message });
  }

  /**
   * A GPU error seen by a run (retried on the CPU) or reported by the device itself; `gpu`: the GPU it came from
   * (null: unknown, counted against the first). Strikes are per GPU: at the limit that GPU is out and its models
   * move to another GPU; only when no GPU is left does the permanent CPU fallback start.
   */
  recordGpuError(
    kind: GpuErrorKind,
    message: string,
    model: string | null,
    retriedOn: 'cpu' | null,
    gpu: number | null = null,
  ): void {
    const index = gpu ?? this.watches.all()[0]?.sample.gpu.index ?? 0;
    const now = this.deps.clock.now();
    const nowOut = this.watches.strike(index, now, this.settings);
    this.gpuErrorCount++;
    // A GPU that just failed (out of memory, device lost) gets time before models go back to it.
    this.backOffRestores();
    const { gpuErrorLimit: limit, gpuErrorWindowMs: windowMs } = this.settings;
    const inWindow = this.watches.strikesNow(index, now, windowMs);
    this.deps.emit({
      type: 'gpu-error',
      kind,
      gpu: index,
      count: this.gpuErrorCount,
      inWindow,
      windowMs,
      limit,
      retriedOn,
      model,
      message,
    });
    if (!nowOut) return;
    const why = `${inWindow} GPU errors within ${formatDuration(windowMs)}`;
    if (this.watches.usable().length > 0) {
      this.background(`moving models off GPU ${index}`, () =>
        this.leaveGpu(index, `GPU ${index} out after ${why}`),
      );
      return;
    }
    if (this.permanentCpu) return;
    this.permanentCpu = true;
    this.deps.emit({ type: 'permanent-cpu', on: true });
    this.fire('emergency_shutdown');
    this.background('permanent CPU offload', () => this.offloadAll(`permanent CPU fallback after ${why}`));
  }

  /** A GPU is out: each of its models goes to the GPU with most room that admits it, else to the CPU. */
  private async leaveGpu(gpu: number, reason: string): Promise<void> {
    const host = this.deps.host;
    for (const m of byGpuPriority(host.views().filter((v) => v.gpu === gpu))) {
      const target = this.calmGpuFor(m, gpu, false);
      const moved = target === null ? host.move(m.id, 'cpu', reason) : host.move(m.id, 'gpu', reason, target);
      await moved.catch((error: unknown) =>
        this.deps.emit({
          type: 'failure',
          during: `moving ${m.id} off GPU ${gpu}`,
          message: messageOf(error),
        }),
      );
    }
  }

  /**
   * Another usable GPU with a current reading that admits the model, the one with most room; `normalOnly`: only
   * a GPU at NORMAL (a pre-warm must not add to a GPU that is itself under pressure).
   */
  private calmGpuFor(m: ModelView, except: number, normalOnly: boolean): number | null {
    const rooms = this.watches
      .usable()
      .filter((w) => w.sample.gpu.index !== except)
      .filter((w) => !normalOnly || w.policy.level === 'NORMAL')
      .filter((w) => levelRank(w.policy.level) < levelRank('EMERGENCY'))
      .filter((w) => checkReading(this.readingInput(w.sample)).ok)
      .map((w) => ({ index: w.sample.gpu.index, freeMiB: w.sample.freeMiB }));
    return mostRoom(rooms, m.estimateMiB, this.settings.headroomMiB)?.index ?? null;
  }

  /**
   * The user's Restore to GPU. If at least one model makes it back, the GPU error strikes, the
   * permanent CPU fallback and any user pin are cleared; a refused restore changes nothing.
   */
  restore(): Promise<CommandResult> {
    return this.enqueue(async () => {
      const result = await this.restoreAll('manual');
      if (result.moved.length > 0) this.clearStrikes();
      return result;
    });
  }

  private clearStrikes(): void {
    if (this.permanentCpu) this.deps.emit({ type: 'permanent-cpu', on: false });
    this.permanentCpu = false;
    this.pinnedByUser = false;
    this.idleReleased = false;
    this.gpuErrorCount = 0;
    this.watches.clearStrikes();
    this.restoreBackoffMs = 0;
    this.restoreNotBeforeMs = 0;
  }

  /** The user's Offload to CPU: moves everything off the GPU and keeps it there until Restore. */
  offload(): Promise<CommandResult> {
    const onGpu = this.deps.host.views().filter((m) => m.device === 'gpu');
    if (onGpu.length === 0) return Promise.resolve(this.refuse('offload', ['no model is on the GPU']));
    this.pinnedByUser = true;
    return this.enqueue(async () => {
      const moved = await this.offloadAll('offloaded by the user');
      return { ok: true, reasons: [], moved };
    });
  }

  status(): EngineStatus {
    const worst = this.watches.mostPressed();
    const s = worst?.sample ?? null;
    return {
      level: worst?.policy.level ?? 'NORMAL',
      usage: s ? usageOf(s) : 0,
      totalMiB: s?.totalMiB ?? 0,
      usedMiB: s?.usedMiB ?? 0,
      freeMiB: s?.freeMiB ?? 0,
      reservedMiB: s?.reservedMiB ?? null,
      gpu: s ? { ...s.gpu } : null,
      gpus: this.watches.all().map((w) => this.gpuStatus(w)),
      probe: { kind: this.deps.probeKind, ok: this.probeError === null, ...errorField(this.probeError) },
      models: this.deps.host.views().map((m) => ({
        id: m.id,
        role: m.role,
        device: m.device,
        ep: m.ep,
        vramMiB: m.vramMiB,
        estimateMiB: m.estimateMiB,
        reason: m.reason,
        movedAtMs: m.movedAtMs,
        gpu: m.gpu,
        ...(m.unloaded ? { unloaded: true } : {}),
      })),
      gpuErrors: {
        count: this.gpuErrorCount,
        limit: this.settings.gpuErrorLimit,
        inWindow: this.watches.mostStrikesNow(this.deps.clock.now(), this.settings.gpuErrorWindowMs),
        windowMs: this.settings.gpuErrorWindowMs,
      },
      permanentCpu: this.permanentCpu,
      pinnedByUser: this.pinnedByUser,
      restoreBlocker: this.restoreBlocker(),
      lastSampleAtMs: s?.atMs ?? null,
      samplingIntervalMs: this.samplingMs,
    };
  }

  private gpuStatus(w: GpuWatch): GpuStatus {
    const index = w.sample.gpu.index;
    const strikes = this.watches.strikesNow(index, this.deps.clock.now(), this.settings.gpuErrorWindowMs);
    return gpuStatusOf(w.sample, w.policy.level, strikes, this.watches.isOut(index));
  }

  /** Why Restore to GPU would not succeed now, or null if it would (the UI disables the button). */
  restoreBlocker(): string | null {
    const candidates = this.restoreCandidates();
    if (candidates.length === 0) return 'every model that prefers the GPU is already on it';
    const verdicts = candidates.map((m) => this.restoreVerdict(m, 'manual').verdict);
    const firstOk = verdicts.find((v) => v.ok);
    if (firstOk) return null;
    return verdicts.map((v) => (v.ok ? '' : v.reason)).join('; ');
  }

  report(): string {
    const text = formatStatusReport(this.status());
    this.deps.emit({ type: 'report', text });
    return text;
  }

  private enterLevel(from: Level, to: Level, usage: number, gpu: number): void {
    this.deps.emit({ type: 'level', from, to, usage, gpu });
    if (to === 'NORMAL') this.background('dropping standbys', () => this.dropStandbys(gpu));
    // A GPU under pressure is no place for another GPU's standby.
    if (levelRank(to) > levelRank('NORMAL')) this.dropGpuStandbysOn(gpu);
    this.fire(to.toLowerCase() as LevelCallbackName, to);
  }

  /** `level`: when one reading climbs several levels, each callback sees its own level. */
  private fire(name: LevelCallbackName, level?: Level): void {
    const status = { ...this.status(), ...(level ? { level } : {}) };
    for (const cb of this.callbacks.get(name) ?? []) {
      try {
        cb(status);
      } catch (error) {
        // A faulty listener must not stop memory protection.
        this.deps.emit({ type: 'failure', during: `the ${name} callback`, message: String(error) });
      }
    }
  }

  private async runActions(level: Level, gpu: number): Promise<void> {
    if (level === 'WARNING') await this.cleanup(level, 'light-cleanup', cleanupLight, gpu);
    else if (level === 'CRITICAL') {
      await this.cleanup(level, 'aggressive-cleanup', cleanupAggressive, gpu);
      this.prewarmStandbys(level, gpu);
    }
  }

  /** A cleanup, and what it really gave back: GPU memory as the probe attributes it, and JS heap. */
  private async cleanup(
    level: Level,
    name: 'light-cleanup' | 'aggressive-cleanup',
    run: () => Promise<CleanupResult>,
    gpu: number,
  ) {
    const before = await this.readProcessMiB(gpu);
    const { ms, heapFreedMiB } = await run();
    const freedMiB = difference(before, await this.readProcessMiB(gpu));
    this.deps.emit({ type: 'action', name, level, ms, freedMiB, heapFreedMiB });
  }

  /**
   * EMERGENCY frees the pressed GPU first, ahead of anything queued: every session on it leaves service at once
   * (released as soon as the runs on it end), restores and first loads onto it still in flight are abandoned, and
   * runs go to a copy pre-warmed on a calm GPU or wait for the CPU copies. Other GPUs' standbys on it go too.
   * `ms` is from the EMERGENCY reading to the last session's release.
   */
  private evacuateGpu(sample: GpuSample): void {
    const host = this.deps.host;
    const gpu = sample.gpu.index;
    const reason = `EMERGENCY: GPU ${this.watches.size > 1 ? `${gpu} ` : ''}usage ${pctOf(sample)}`;
    const views = host.views().filter((m) => m.device === 'gpu' && m.gpu === gpu);
    const onGpu = views.map((m) => m.id);
    const ids = [...new Set([...onGpu, ...host.gpuLoadsInFlight(gpu)])];
    this.dropGpuStandbysOn(gpu);
    const released = ids.map(
      (id) =>
        new Promise<void>((resolve) => {
          // A copy pre-warmed on a calm GPU takes over (GPU → GPU) while that GPU still admits it.
          const standby = views.find((m) => m.id === id)?.gpuStandby ?? null;
          const toGpuStandby = standby !== null && this.gpuStillTakes(standby);
          host.evacuate(id, reason, resolve, { gpu, toGpuStandby }).then(
            () => resolve(),
            (error: unknown) => {
              resolve();
              this.deps.emit({
                type: 'failure',
                during: `moving ${id} off the GPU`,
                message: messageOf(error),
              });
            },
          );
        }),
    );
    void Promise.all(released).then(async () => {
      const ms = Math.max(0, this.deps.clock.now() - sample.atMs);
      const freedMiB = ids.length ? difference(sample.processMiB, await this.readProcessMiB(gpu)) : null;
      const detail = evacuationDetail(onGpu, ids);
      this.deps.emit({ type: 'action', name: 'offload', level: 'EMERGENCY', ms, freedMiB, detail });
    });
  }

  /** Not queued: a pressed GPU gets the memory of other GPUs' standbys back at once. */
  private dropGpuStandbysOn(gpu: number): void {
    this.deps.host.dropGpuStandbysOn(gpu).catch((error: unknown) =>
      this.deps.emit({
        type: 'failure',
        during: `dropping standbys on GPU ${gpu}`,
        message: messageOf(error),
      }),
    );
  }

  /** The GPU a standby waits on is still usable and not itself at EMERGENCY. */
  private gpuStillTakes(gpu: number): boolean {
    const w = this.watches.get(gpu);
    return w !== undefined && !this.watches.isOut(gpu) && w.policy.level !== 'EMERGENCY';
  }

  /**
   * Predictive pre-warm: when a GPU's usage trend says EMERGENCY comes sooner than a model's standby takes to
   * build (plus a margin), build it now, whatever the level, so the evacuation finds it ready: on a calm GPU when
   * one admits it, else on the CPU.
   */
  private prewarmAhead(w: GpuWatch): void {
    if (!this.settings.predictivePrewarm || w.policy.level === 'EMERGENCY') return;
    const eta = msUntil(w.trend, this.settings.thresholds.emergency);
    if (eta === null) return;
    const host = this.deps.host;
    for (const m of host.views()) {
      if (m.gpu !== w.sample.gpu.index || m.standby || m.gpuStandby !== null) continue;
      if (this.prewarming.has(m.id)) continue;
      const buildMs = host.cpuBuildMs(m.id) ?? m.estimateMiB * BUILD_MS_PER_MIB;
      if (eta > buildMs + PREWARM_MARGIN_MS) continue;
      const detail = `EMERGENCY predicted in ${(eta / 1000).toFixed(1)} s; ${m.id}'s standby takes ~${(buildMs / 1000).toFixed(1)} s`;
      this.prewarmOne(m, w.policy.level, detail);
    }
  }

  /** Adaptive sampling: faster near a threshold or rising towards one, the calm interval otherwise. */
  private adaptInterval(force: boolean): void {
    const calmMs = this.settings.intervalMs;
    // The GPU nearest a threshold sets the pace for all: one tick reads every GPU.
    const wanted = Math.min(
      calmMs,
      ...this.watches.all().map((w) =>
        nextIntervalMs({
          usage: usageOf(w.sample),
          slopePerSecond: slopePerSecond(w.trend),
          thresholds: this.settings.thresholds,
          calmMs,
          adaptive: this.settings.adaptiveSampling,
        }),
      ),
    );
    if (wanted === this.samplingMs && !force) return;
    this.samplingMs = wanted;
    this.deps.setSamplingInterval?.(wanted);
  }

  /** Runs beside the queue: the standby is built in the background while the GPU session serves. */
  private prewarmStandbys(level: Level, gpu: number): void {
    for (const m of this.deps.host.views()) {
      const ready = m.standby || m.gpuStandby !== null;
      if (m.gpu === gpu && !ready && !this.prewarming.has(m.id)) this.prewarmOne(m, level, null);
    }
  }

  /** A standby on a calm GPU (NORMAL, admits the model) if there is one, else on the CPU. */
  private prewarmOne(m: ModelView, level: Level, why: string | null): void {
    const id = m.id;
    const started = performance.now();
    const target = m.gpu === null ? null : this.calmGpuFor(m, m.gpu, true);
    const where = target === null ? 'CPU standby' : `standby on GPU ${target}`;
    this.prewarming.add(id);
    const build =
      target === null ? this.deps.host.prewarmCpuStandby(id) : this.deps.host.prewarmGpuStandby(id, target);
    build
      .then(
        (built) => {
          const done = built ? `${id}: ${where} ready` : `${id}: no standby needed`;
          const detail = why ? `${done} (${why})` : done;
          const ms = performance.now() - started;
          this.deps.emit({ type: 'action', name: 'prewarm-standby', level, ms, freedMiB: null, detail });
        },
        (error: unknown) =>
          this.deps.emit({
            type: 'failure',
            during: `pre-warming ${id}'s CPU copy`,
            message: messageOf(error),
          }),
      )
      .finally(() => this.prewarming.delete(id));
  }

  /** The standbys of the models on `gpu` (now NORMAL): RAM of CPU copies, VRAM of copies on other GPUs. */
  private async dropStandbys(gpu: number): Promise<void> {
    const withStandby = this.deps.host
      .views()
      .filter((m) => (m.standby || m.gpuStandby !== null) && (m.gpu === gpu || m.device === 'cpu'));
    if (withStandby.length === 0) return;
    const started = performance.now();
    await Promise.all(withStandby.map((m) => this.deps.host.dropStandby(m.id)));
    this.deps.emit({
      type: 'action',
      name: 'drop-standby',
      level: 'NORMAL',
      ms: performance.now() - started,
      freedMiB: null, // a standby lives in RAM or on another GPU, not on this one
    });
  }

  private async offloadAll(reason: string): Promise<string[]> {
    const onGpu = this.deps.host.views().filter((m) => m.device === 'gpu');
    const results = await Promise.allSettled(onGpu.map((m) => this.deps.host.move(m.id, 'cpu', reason)));
    return onGpu.filter((_, i) => results[i]?.status === 'fulfilled').map((m) => m.id);
  }

  /** In priority order: the speech model first, so an auxiliary model never takes its room. */
  private restoreCandidates(): ModelView[] {
    if (this.settings.devicePreference === 'cpu') return [];
    return byGpuPriority(this.deps.host.views().filter((m) => m.device === 'cpu' && m.prefer === 'gpu'));
  }

  /**
   * Whether the model may go back to a GPU now, and to which: of the usable GPUs that pass the restore rules, the
   * one with the most room left after it. A refusal gives the reason of the GPU with the most free memory.
   */
  private restoreVerdict(m: ModelView, trigger: 'auto' | 'manual'): { verdict: Verdict; gpu: number } {
    // The user's Restore clears the strikes: every GPU is a candidate again.
    const usable = trigger === 'manual' ? this.watches.all() : this.watches.usable();
    if (usable.length === 0) {
      const reason = this.watches.size > 0 ? 'permanent CPU fallback after repeated GPU errors' : null;
      return { verdict: { ok: false, reason: this.probeError ?? reason ?? 'no GPU reading yet' }, gpu: 0 };
    }
    const judged = usable.map((w) => ({
      index: w.sample.gpu.index,
      freeMiB: w.sample.freeMiB,
      verdict: this.restoreVerdictOn(m, trigger, w),
    }));
    const best = mostRoom(
      judged.filter((j) => j.verdict.ok),
      m.estimateMiB,
      Number.NEGATIVE_INFINITY,
    );
    const shown = best ?? mostFree(judged) ?? (judged[0] as (typeof judged)[number]);
    return { verdict: shown.verdict, gpu: shown.index };
  }

  private restoreVerdictOn(m: ModelView, trigger: 'auto' | 'manual', w: GpuWatch): Verdict {
    const s = w.sample;
    const policy = w.policy;
    return checkRestore({
      trigger,
      modelId: m.id,
      neededMiB: m.estimateMiB,
      freeMiB: s.freeMiB,
      usedMiB: s.usedMiB,
      totalMiB: s.totalMiB,
      headroomMiB: this.settings.headroomMiB,
      thresholds: this.settings.thresholds,
      level: policy.level,
      dwellElapsed: restoreDwellElapsed(policy, s.atMs, this.settings),
      inFlight: this.deps.host.inFlight() > 0,
      permanentCpu: this.permanentCpu || this.pinnedByUser || (trigger === 'auto' && this.idleReleased),
      gpuAvailable: this.deps.gpuAvailable,
      backoffRemainingMs: Math.max(0, this.restoreNotBeforeMs - this.deps.clock.now()),
      reading: this.readingInput(s),
    });
  }

  private maybeAutoRestore(): void {
    if (this.restoring || this.probeError !== null) return;
    const ready = this.restoreCandidates().filter((m) => this.restoreVerdict(m, 'auto').verdict.ok);
    if (ready.length === 0) return;
    this.restoring = true;
    this.background('automatic restore', async () => {
      try {
        await this.restoreAll('auto');
      } finally {
        this.restoring = false;
      }
    });
  }

  /** One model at a time, re-checking the fit after each (each load changes free memory). */
  private async restoreAll(trigger: 'auto' | 'manual'): Promise<CommandResult> {
    const result: CommandResult = { ok: true, reasons: [], moved: [] };
    const candidates = this.restoreCandidates();
    if (candidates.length === 0 && trigger === 'manual') {
      return this.refuse('restore', ['every model that prefers the GPU is already on it']);
    }
    for (const m of candidates) {
      const { verdict, gpu } = this.restoreVerdict(m, trigger);
      if (!verdict.ok) {
        result.reasons.push(verdict.reason);
        continue;
      }
      const seen = this.watches.get(gpu)?.sample ?? null;
      const moved = await this.restoreOne(m, trigger, result, gpu);
      if (moved) this.projectLoad(gpu, seen, m.estimateMiB);
    }
    if (result.moved.length === 0 && result.reasons.length > 0) {
      result.ok = false;
      if (trigger === 'manual')
        for (const r of result.reasons) this.deps.emit({ type: 'refused', command: 'restore', reason: r });
    }
    return result;
  }

  private async restoreOne(
    m: ModelView,
    trigger: 'auto' | 'manual',
    result: CommandResult,
    gpu: number,
  ): Promise<boolean> {
    const sample = this.watches.get(gpu)?.sample ?? null;
    const why =
      trigger === 'manual' ? 'restored by the user' : `memory recovered (GPU usage ${pctOf(sample)})`;
    try {
      await this.deps.host.move(m.id, 'gpu', why, gpu);
      result.moved.push(m.id);
      // Strikes keep their backoff growing until they expire or the user clears them: a flaky GPU waits longer.
      if (this.watches.mostStrikesNow(this.deps.clock.now(), this.settings.gpuErrorWindowMs) === 0)
        this.restoreBackoffMs = 0;
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.reasons.push(`${m.id} could not be loaded on the GPU: ${message}`);
      this.backOffRestores();
      const kind = classifyGpuError(message);
      if (kind !== 'not-gpu') this.recordGpuError(kind, message, m.id, null, gpu);
      return false;
    }
  }

  /** After a failed restore or a GPU error, wait longer each time before restoring automatically. */
  private backOffRestores(): void {
    this.restoreBackoffMs = Math.min(
      RESTORE_BACKOFF_MS.max,
      this.restoreBackoffMs === 0 ? RESTORE_BACKOFF_MS.first : this.restoreBackoffMs * 2,
    );
    this.restoreNotBeforeMs = this.deps.clock.now() + this.restoreBackoffMs;
  }

  /**
   * Until the next reading, count a just-loaded model against free memory; a reading that came during the load
   * (the host measures a GPU load with one) already counts it.
   */
  private projectLoad(gpu: number, seen: GpuSample | null, mib: number): void {
    const w = this.watches.get(gpu);
    const s = w?.sample;
    if (!w || !s || s !== seen) return;
    w.sample = { ...s, usedMiB: s.usedMiB + mib, freeMiB: Math.max(0, s.freeMiB - mib) };
  }

  /** This process's memory summed over every watched GPU (null if any GPU cannot tell). */
  private async ourMiBOnAllGpus(): Promise<number | null> {
    const gpus = this.watches.all().map((w) => w.sample.gpu.index);
    const each = await Promise.all(gpus.map((gpu) => this.readProcessMiB(gpu)));
    return each.some((v) => v === null) ? null : each.reduce<number>((sum, v) => sum + (v ?? 0), 0);
  }

  private readProcessMiB(gpu: number): Promise<number | null> {
    return this.deps.readProcessMiB?.(gpu) ?? Promise.resolve(null);
  }

  private refuse(command: string, reasons: string[]): CommandResult {
    for (const reason of reasons) this.deps.emit({ type: 'refused', command, reason });
    return { ok: false, reasons, moved: [] };
  }

  /** Queue work nobody awaits: a failure is reported as an event, never an unhandled rejection. */
  private background(during: string, task: () => Promise<unknown>): void {
    this.enqueue(task).catch((error: unknown) => {
      this.deps.emit({
        type: 'failure',
        during,
        message: error instanceof Error ? error.message : String(error),
      });
    });
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const next = this.work.then(task);
    this.work = next.catch(() => undefined);
    return next;
  }
}

/** What an EMERGENCY did: the sessions it released, and the GPU loads (restores, switches) it abandoned. */
function evacuationDetail(onGpu: string[], ids: string[]): string {
  const abandoned = ids.filter((id) => !onGpu.includes(id));
  const parts = [
    ...(onGpu.length ? [`released ${onGpu.join(', ')} from the GPU`] : []),
    ...(abandoned.length ? [`abandoned the GPU load of ${abandoned.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : 'nothing left on the GPU';
}

function difference(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : Math.round((before - after) * 10) / 10;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pctOf(s: GpuSample | null): string {
  return s ? `${(usageOf(s) * 100).toFixed(1)}%` : 'unknown';
}

function errorField(error: string | null): { error?: string } {
  return error === null ? {} : { error };
}
