import type { Clock } from '../runtime/clock';
import { classifyGpuError, type GpuErrorKind } from './gpuErrors';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory } from './session';
import { SessionRetired, TrackedSession } from './trackedSession';

export interface PlacementEvent {
  model: string;
  from: Device | null;
  to: Device;
  reason: string;
  /** Wall time of the move: until the new session served (the old one released, for a hot swap). */
  ms: number;
  /** Leaving the GPU: when its session was released (VRAM freed), which comes first during an evacuation. */
  releasedMs?: number;
  /** To a GPU: which one. */
  gpu?: number;
  /** From a GPU: which one (GPU → GPU, GPU → CPU). */
  fromGpu?: number;
}

export interface HostGpuError {
  modelId: string;
  /** The GPU the failed run was on. */
  gpu: number | null;
  kind: GpuErrorKind;
  message: string;
}

export interface ModelView {
  id: string;
  role: string;
  prefer: Device;
  device: Device;
  /** The GPU it serves on (null on the CPU). */
  gpu: number | null;
  /** A pre-warmed copy on another GPU (its index), ready to take over when this GPU is pressed. */
  gpuStandby: number | null;
  ep: string;
  /** VRAM this model holds now (0 on the CPU). */
  vramMiB: number;
  /** What a GPU load is expected to take: measured on this GPU once seen, else the weight size. */
  estimateMiB: number;
  measured: boolean;
  standby: boolean;
  /** Holds no session (idle unload): the next run loads its CPU copy, a restore its GPU copy. */
  unloaded: boolean;
  reason: string;
  movedAtMs: number;
}

export interface RunResult {
  outputs: Outputs;
  device: Device;
  ep: string;
  retriedOnCpu: boolean;
}

export interface ModelHostDeps {
  factory: SessionFactory;
  clock: Clock;
  /** Free VRAM of one GPU right now (a fresh probe reading), to measure what a GPU load really took. */
  readFreeMiB: (gpu: number) => Promise<number | null>;
  /**
   * This process's GPU memory right now, where the probe attributes memory to processes (NVML, the simulator): a
   * load is measured by it first, since other programs' allocations during a load of seconds do not touch it.
   */
  readProcessMiB?: (gpu: number) => Promise<number | null>;
  onPlacement: (e: PlacementEvent) => void;
  /** Told of each GPU error before the failed request is retried on the CPU. */
  onGpuError: (e: HostGpuError) => void;
}

interface Slot {
  spec: ModelSpec;
  /** The session that serves runs; null while the GPU copy was evacuated and the CPU copy is still loading. */
  active: TrackedSession | null;
  /** A pre-warmed CPU session to swap to instantly when the GPU must be freed. */
  standby: TrackedSession | null;
  /** A pre-warmed session on another GPU, to move to (GPU → GPU) when this one is pressed. */
  gpuStandby: TrackedSession | null;
  /** A copy being built on another GPU (a pre-warm). */
  gpuBuild: Promise<void> | null;
  /** A CPU copy being built (a pre-warm, an offload or an evacuation share it). */
  cpuBuild: Promise<void> | null;
  /** Filling an empty `active` from the CPU copy; runs that arrive meanwhile wait on it. */
  refilling: Promise<void> | null;
  /** A GPU session being created (a restore); EMERGENCY marks it abandoned. */
  gpuLoad: LoadToken | null;
  reason: string;
  movedAtMs: number;
  measuredMiB: number | null;
  /** How long the last CPU copy took to build: what a predictive pre-warm must start ahead of. */
  cpuBuildMs: number | null;
  /** Moves of one model are serialized: each waits for the previous. Evacuation does not wait. */
  moving: Promise<unknown>;
  /** Taken out (a model switch, shutdown): runs still holding the slot fail instead of waiting for a session. */
  removed: boolean;
  /** Unloaded for idleness: no session at all until a run or a move loads one again. */
  parked: boolean;
}

interface LoadToken {
  abandoned: boolean;
  /** The GPU it loads onto: only an EMERGENCY on that GPU abandons it. */
  gpu: number;
  /** Called when EMERGENCY abandons the load, so a first load can start its CPU copy at once. */
  onAbandon?: () => void;
}

/** What an EMERGENCY evacuation took: until the GPU session was released, and until the CPU copy served. */
export interface Evacuation {
  model: string;
  releasedMs: number;
  readyMs: number;
}

/**
 * Owns the inference sessions. Moving a model is a hot swap: the new session is created while
 * the old one keeps serving, new requests go to the new one, and the old one is released only
 * after its running inferences finish. No request is dropped or run on a released session.
 * An evacuation (EMERGENCY) is the exception: the GPU copy leaves first and runs wait for the CPU copy.
 */
export class ModelHost {
  private readonly slots = new Map<string, Slot>();
  /** Models whose first load onto the GPU is in flight (a model switch), so EMERGENCY can abandon them. */
  private readonly loading = new Map<string, LoadToken>();

  constructor(private readonly deps: ModelHostDeps) {}

  /** `gpu`: which GPU a 'gpu' model goes to (its index). */
  async add(spec: ModelSpec, device: Device, reason: string, gpu = 0): Promise<void> {
    if (this.slots.has(spec.id) || this.loading.has(spec.id))
      throw new Error(`model ${spec.id} is already loaded`);
    const started = performance.now();
    const token: LoadToken = { abandoned: false, gpu };
    this.loading.set(spec.id, token);
    let created: Created;
    try {
      const load = this.create(spec, device, gpu);
      const abandoned = new Promise<null>((resolve) => (token.onAbandon = () => resolve(null)));
      const first = await Promise.race([load, abandoned]);
      if (first && !token.abandoned) created = first;
      else {
        // EMERGENCY abandoned this GPU load: the CPU copy starts now, and the GPU session goes once ORT returns it.
        load
          .then(
            (c) => c.session.drainAndRelease(),
            () => undefined,
          )
          .catch(() => undefined);
        reason = 'EMERGENCY while loading: GPU load abandoned';
        device = 'cpu';
        created = await this.create(spec, 'cpu');
      }
    } finally {
      this.loading.delete(spec.id);
    }
    this.slots.set(spec.id, {
      spec,
      active: created.session,
      standby: null,
      gpuStandby: null,
      gpuBuild: null,
      cpuBuild: null,
      refilling: null,
      gpuLoad: null,
      reason,
      movedAtMs: this.deps.clock.now(),
      measuredMiB: created.measuredMiB,
      cpuBuildMs: device === 'cpu' ? created.ms : null,
      moving: Promise.resolve(),
      removed: false,
      parked: false,
    });
    this.deps.onPlacement({
      model: spec.id,
      from: null,
      to: device,
      reason,
      ms: performance.now() - started,
      ...gpuField(created.session),
    });
  }

  async run(id: string, feeds: Feeds): Promise<RunResult> {
    const slot = this.slot(id);
    for (;;) {
      // No await on the usual path: the run queues on the session active now, not one a move installs later.
      const session = (!slot.removed && slot.active) || (await this.activeOf(slot));
      try {
        const outputs = await session.run(feeds);
        return { outputs, device: session.device, ep: session.ep, retriedOnCpu: false };
      } catch (error) {
        if (error instanceof SessionRetired) continue; // swapped out before it started: run where the model is now
        if (session.device !== 'gpu') throw error;
        return this.retryOnCpu(slot, feeds, error, session.gpu);
      }
    }
  }

  /**
   * Every failed GPU run is retried once on the CPU, so the request is not lost. Only a GPU error (out of memory,
   * device lost, a GPU fault) is a strike and moves the model; anything else (a full disk, a bug) runs this one
   * request on the CPU copy and leaves the model where it is.
   */
  private async retryOnCpu(slot: Slot, feeds: Feeds, error: unknown, gpu: number | null): Promise<RunResult> {
    const message = error instanceof Error ? error.message : String(error);
    const kind = classifyGpuError(message);
    let cpu: TrackedSession;
    if (kind === 'not-gpu') {
      await this.ensureCpuCopy(slot);
      cpu = slot.standby ?? (await this.activeOf(slot));
    } else {
      this.deps.onGpuError({ modelId: slot.spec.id, gpu, kind, message });
      await this.move(slot.spec.id, 'cpu', `GPU error (${kind}): ${firstLine(message)}`);
      cpu = await this.activeOf(slot);
    }
    return { outputs: await cpu.run(feeds), device: cpu.device, ep: cpu.ep, retriedOnCpu: true };
  }

  /**
   * Hot-swap a model to a device (`gpu`: which GPU), GPU → GPU included. Resolves once the old session is
   * released; null when nothing moved.
   */
  move(id: string, to: Device, reason: string, gpu = 0): Promise<PlacementEvent | null> {
    const slot = this.slot(id);
    const next = slot.moving.then(() =>
      to === 'cpu' ? this.swapToCpu(slot, reason) : this.swapToGpu(slot, reason, gpu),
    );
    slot.moving = next.catch(() => undefined);
    return next;
  }

  private async swapToCpu(slot: Slot, reason: string): Promise<PlacementEvent | null> {
    if (slot.active === null) await this.activeOf(slot); // an evacuation is already bringing the CPU copy
    const old = slot.active;
    if (old === null || old.device === 'cpu') return null;
    const started = performance.now();
    const fresh = await this.takeCpuCopy(slot);
    if (slot.active !== old) {
      // An evacuation took the GPU copy out meanwhile: this copy is not needed as the active one.
      this.keepAsStandby(slot, fresh);
      return null;
    }
    this.install(slot, fresh, reason);
    await old.drainAndRelease();
    const ms = performance.now() - started;
    return this.placed({
      model: slot.spec.id,
      from: 'gpu',
      to: 'cpu',
      reason,
      ms,
      releasedMs: ms,
      ...fromGpuField(old),
    });
  }

  private async swapToGpu(slot: Slot, reason: string, gpu: number): Promise<PlacementEvent | null> {
    if (slot.active?.device === 'gpu' && slot.active.gpu === gpu) return null;
    const started = performance.now();
    const ready = slot.gpuStandby?.gpu === gpu ? slot.gpuStandby : null;
    if (ready) slot.gpuStandby = null;
    const token: LoadToken = { abandoned: false, gpu };
    slot.gpuLoad = token;
    let created: Created;
    try {
      created = ready
        ? { session: ready, measuredMiB: null, ms: 0 }
        : await this.create(slot.spec, 'gpu', gpu);
    } catch (error) {
      if (token.abandoned) return null; // nobody wants this load any more: its failure is no GPU error
      throw error;
    } finally {
      slot.gpuLoad = null;
    }
    if (token.abandoned) {
      // EMERGENCY came while this restore was loading: its half-built session goes at once.
      await created.session.drainAndRelease();
      return null;
    }
    if (created.measuredMiB !== null) slot.measuredMiB = created.measuredMiB;
    // A parked model has nothing to swap out, unless a run started loading its CPU copy meanwhile.
    const old = slot.active ?? (slot.parked && !slot.refilling ? null : await this.activeOf(slot));
    this.install(slot, created.session, reason);
    await old?.drainAndRelease();
    const ms = performance.now() - started;
    return this.placed({
      model: slot.spec.id,
      from: old?.device ?? null,
      to: 'gpu',
      reason,
      ms,
      ...gpuField(created.session),
      ...(old ? fromGpuField(old) : {}),
    });
  }

  /**
   * EMERGENCY: free this model's GPU memory first. A restore still loading is abandoned; the GPU session leaves
   * service at once and is released as soon as the runs already on it end (a failed one is retried on the CPU).
   * A copy pre-warmed on another GPU takes over at once when `toGpuStandby` allows it (GPU → GPU); otherwise
   * runs that arrive before the CPU copy is ready wait for it. Not queued behind other moves.
   * `gpu`: the pressed GPU; a model on (or loading onto) another GPU is left alone.
   */
  async evacuate(
    id: string,
    reason: string,
    onReleased?: () => void,
    opts: { gpu?: number; toGpuStandby?: boolean } = {},
  ): Promise<Evacuation | null> {
    const on = (gpu: number | null) => opts.gpu === undefined || gpu === opts.gpu;
    const loading = this.loading.get(id);
    if (loading && on(loading.gpu)) {
      loading.abandoned = true;
      loading.onAbandon?.();
    }
    const slot = this.slots.get(id);
    if (!slot) return null;
    if (slot.gpuLoad && on(slot.gpuLoad.gpu)) slot.gpuLoad.abandoned = true;
    const old = slot.active;
    if (old?.device !== 'gpu' || !on(old.gpu)) return null;
    if (slot.gpuStandby && opts.toGpuStandby) return this.switchToGpuStandby(slot, old, reason, onReleased);
    void this.dropGpuStandby(slot);
    const started = performance.now();
    slot.active = slot.standby;
    slot.standby = null;
    slot.reason = slot.active ? reason : `${reason} (CPU copy loading)`;
    slot.movedAtMs = this.deps.clock.now();
    const ready = this.activeOf(slot).then(() => performance.now() - started);
    ready.catch(() => undefined); // waiting runs see the failure; the caller sees it below
    await old.drainAndRelease();
    onReleased?.();
    const releasedMs = performance.now() - started;
    const readyMs = await ready;
    slot.reason = reason;
    this.placed({ model: id, from: 'gpu', to: 'cpu', reason, ms: readyMs, releasedMs, ...fromGpuField(old) });
    return { model: id, releasedMs, readyMs };
  }

  /** GPU → GPU at EMERGENCY: the copy pre-warmed on the other GPU serves at once; the pressed one goes. */
  private async switchToGpuStandby(
    slot: Slot,
    old: TrackedSession,
    reason: string,
    onReleased?: () => void,
  ): Promise<Evacuation> {
    const started = performance.now();
    const fresh = slot.gpuStandby as TrackedSession;
    slot.gpuStandby = null;
    this.install(slot, fresh, reason);
    await old.drainAndRelease();
    onReleased?.();
    const ms = performance.now() - started;
    this.placed({
      model: slot.spec.id,
      from: 'gpu',
      to: 'gpu',
      reason,
      ms,
      releasedMs: ms,
      ...gpuField(fresh),
      ...fromGpuField(old),
    });
    return { model: slot.spec.id, releasedMs: ms, readyMs: ms };
  }

  /** Models being loaded onto a GPU (`gpu`: that one) right now, first load or restore: EMERGENCY abandons them. */
  gpuLoadsInFlight(gpu?: number): string[] {
    const on = (g: number) => gpu === undefined || g === gpu;
    const restoring = [...this.slots.values()]
      .filter((s) => s.gpuLoad && on(s.gpuLoad.gpu))
      .map((s) => s.spec.id);
    const first = [...this.loading].filter(([, t]) => on(t.gpu)).map(([id]) => id);
    return [...first, ...restoring];
  }

  /**
   * Build a copy on another GPU beside the serving one (CRITICAL on its GPU), so an EMERGENCY there is a pointer
   * swap to a GPU instead of a fall to the CPU. Not queued behind moves. False when nothing was needed.
   */
  async prewarmGpuStandby(id: string, gpu: number): Promise<boolean> {
    const slot = this.slot(id);
    if (slot.active?.device !== 'gpu' || slot.active.gpu === gpu || slot.gpuStandby) return false;
    slot.gpuBuild ??= this.create(slot.spec, 'gpu', gpu)
      .then((c) => {
        const wanted = this.slots.get(id) === slot && slot.gpuStandby === null && slot.active?.gpu !== gpu;
        if (wanted) slot.gpuStandby = c.session;
        else void c.session.drainAndRelease();
      })
      .finally(() => (slot.gpuBuild = null));
    await slot.gpuBuild;
    return true;
  }

  /** Release GPU standbys that live on `gpu` (it is pressed now: they would only add to it). */
  async dropGpuStandbysOn(gpu: number): Promise<void> {
    const on = [...this.slots.values()].filter((s) => s.gpuStandby?.gpu === gpu);
    await Promise.all(on.map((s) => this.dropGpuStandby(s)));
  }

  private async dropGpuStandby(slot: Slot): Promise<void> {
    const standby = slot.gpuStandby;
    slot.gpuStandby = null;
    await standby?.drainAndRelease();
  }

  /** Create a CPU session beside a GPU one, so an offload is a pointer swap. Not queued behind moves. */
  async prewarmCpuStandby(id: string): Promise<boolean> {
    const slot = this.slot(id);
    if (slot.active?.device !== 'gpu' || slot.standby) return false;
    await this.ensureCpuCopy(slot);
    return true;
  }

  /** How long building this model's CPU copy took last time (null before the first). */
  cpuBuildMs(id: string): number | null {
    return this.slots.get(id)?.cpuBuildMs ?? null;
  }

  /**
   * Idle unload: every session of the model is released (GPU, CPU and standby), the spec is kept. Queued behind
   * the model's moves; runs already on a session finish first. The next run loads the CPU copy and waits for it.
   */
  park(id: string, reason: string): Promise<boolean> {
    const slot = this.slot(id);
    const next = slot.moving.then(async () => {
      // A copy still being built (a pre-warm) would otherwise land after the unload and hold memory again.
      await Promise.allSettled([slot.cpuBuild, slot.refilling, slot.gpuBuild]);
      const held = [slot.active, slot.standby, slot.gpuStandby];
      const sessions = held.filter((s): s is TrackedSession => s !== null);
      if (sessions.length === 0 || slot.removed) return false;
      slot.active = null;
      slot.standby = null;
      slot.gpuStandby = null;
      slot.parked = true;
      slot.reason = reason;
      slot.movedAtMs = this.deps.clock.now();
      await Promise.all(sessions.map((s) => s.drainAndRelease()));
      return true;
    });
    slot.moving = next.catch(() => undefined);
    return next;
  }

  /** Start loading a parked model's CPU copy now, so the first run after idleness waits less (or not at all). */
  unpark(id: string): void {
    const slot = this.slot(id);
    if (!slot.parked) return;
    this.activeOf(slot).catch(() => undefined); // a failure shows on the run that needs the copy
  }

  /** Free a standby's RAM (and a GPU standby's VRAM) once pressure is gone. */
  async dropStandby(id: string): Promise<void> {
    const slot = this.slot(id);
    const standby = slot.standby;
    slot.standby = null;
    await Promise.all([standby?.drainAndRelease(), this.dropGpuStandby(slot)]);
  }

  /** Wait for every queued move. */
  async idle(): Promise<void> {
    await Promise.all([...this.slots.values()].map((s) => s.moving));
  }

  views(): ModelView[] {
    return [...this.slots.values()].map((s) => this.viewOf(s));
  }

  view(id: string): ModelView {
    return this.viewOf(this.slot(id));
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  inFlight(): number {
    let n = 0;
    for (const s of this.slots.values()) n += s.active?.inFlight ?? 0;
    return n;
  }

  /** Take a model out (a model switch): waits for its moves and running inferences, then frees everything. */
  async remove(id: string): Promise<void> {
    const slot = this.slot(id);
    await slot.moving;
    this.slots.delete(id);
    slot.removed = true;
    await Promise.allSettled([slot.cpuBuild, slot.refilling, slot.gpuBuild]);
    await slot.active?.drainAndRelease();
    await slot.standby?.drainAndRelease();
    await slot.gpuStandby?.drainAndRelease();
  }

  /** Every session released and every session host stopped: the engine is shutting down. */
  async releaseAll(): Promise<void> {
    await this.idle();
    for (const id of [...this.slots.keys()]) await this.remove(id);
    await this.deps.factory.close?.();
  }

  private viewOf(s: Slot): ModelView {
    const estimateMiB = s.measuredMiB ?? s.spec.sizeMiB;
    const device = s.active?.device ?? 'cpu';
    return {
      id: s.spec.id,
      role: s.spec.role,
      prefer: s.spec.prefer,
      device,
      gpu: device === 'gpu' ? (s.active?.gpu ?? null) : null,
      gpuStandby: s.gpuStandby?.gpu ?? null,
      ep: s.active?.ep ?? 'cpu',
      vramMiB: device === 'gpu' ? estimateMiB : 0,
      estimateMiB,
      measured: s.measuredMiB !== null,
      standby: s.standby !== null,
      unloaded: s.parked,
      reason: s.reason,
      movedAtMs: s.movedAtMs,
    };
  }

  /** The session that serves now; after an evacuation, waits until the CPU copy is in. */
  private async activeOf(slot: Slot): Promise<TrackedSession> {
    stillLoaded(slot);
    while (slot.active === null) {
      slot.refilling ??= this.takeCpuCopy(slot)
        .then((s) =>
          slot.active === null ? this.install(slot, s, slot.reason) : this.keepAsStandby(slot, s),
        )
        .finally(() => (slot.refilling = null));
      await slot.refilling;
      stillLoaded(slot);
    }
    return slot.active;
  }

  private ensureCpuCopy(slot: Slot): Promise<void> {
    if (slot.standby) return Promise.resolve();
    slot.cpuBuild ??= this.create(slot.spec, 'cpu')
      .then((c) => {
        slot.cpuBuildMs = c.ms;
        this.keepAsStandby(slot, c.session);
      })
      .finally(() => (slot.cpuBuild = null));
    return slot.cpuBuild;
  }

  private async takeCpuCopy(slot: Slot): Promise<TrackedSession> {
    while (!slot.standby) {
      stillLoaded(slot);
      await this.ensureCpuCopy(slot);
    }
    const session = slot.standby;
    slot.standby = null;
    return session;
  }

  private keepAsStandby(slot: Slot, session: TrackedSession): void {
    if (slot.standby === null && this.slots.get(slot.spec.id) === slot) slot.standby = session;
    else void session.drainAndRelease();
  }

  private install(slot: Slot, session: TrackedSession, reason: string): void {
    slot.active = session;
    slot.parked = false;
    slot.reason = reason;
    slot.movedAtMs = this.deps.clock.now();
  }

  private placed(event: PlacementEvent): PlacementEvent {
    this.deps.onPlacement(event);
    return event;
  }

  private async create(spec: ModelSpec, device: Device, gpu = 0): Promise<Created> {
    const started = performance.now();
    const before = device === 'gpu' ? await this.readMemory(gpu) : null;
    const handle = await this.deps.factory.create(spec, device, device, gpu);
    const readable = before !== null && (before.freeMiB !== null || before.processMiB !== null);
    const after = readable ? await this.readMemory(gpu) : null;
    return {
      session: new TrackedSession(handle, device === 'gpu' ? gpu : null),
      measuredMiB: before && after ? loadTook(spec, before, after) : null,
      ms: performance.now() - started,
    };
  }

  private async readMemory(gpu: number): Promise<MemoryReading> {
    const [freeMiB, processMiB] = await Promise.all([
      this.deps.readFreeMiB(gpu),
      this.deps.readProcessMiB?.(gpu) ?? Promise.resolve(null),
    ]);
    return { freeMiB, processMiB };
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id);
    if (!slot) throw new Error(`unknown model "${id}"`);
    return slot;
  }
}

interface MemoryReading {
  freeMiB: number | null;
  processMiB: number | null;
}

/**
 * What a GPU load took: this process's growth where the probe attributes memory, else the drop in free memory.
 * Other programs allocate too, and a load takes seconds: a free-memory drop that is not positive, or far beyond
 * what the model's weights could take, tells nothing about this model.
 */
function loadTook(spec: ModelSpec, before: MemoryReading, after: MemoryReading): number | null {
  if (before.processMiB !== null && after.processMiB !== null) {
    const grew = after.processMiB - before.processMiB;
    return grew > 0 ? grew : null;
  }
  if (before.freeMiB === null || after.freeMiB === null) return null;
  const dropped = before.freeMiB - after.freeMiB;
  return dropped > 0 && dropped <= PLAUSIBLE_LOAD_FACTOR * spec.sizeMiB + PLAUSIBLE_LOAD_EXTRA_MIB
    ? dropped
    : null;
}

/** A load takes its weights plus buffers and a GPU context (FACTS.md: +1574 MiB for 1.5 GiB; +26 MiB of Dawn). */
const PLAUSIBLE_LOAD_FACTOR = 2;
const PLAUSIBLE_LOAD_EXTRA_MIB = 512;

interface Created {
  session: TrackedSession;
  measuredMiB: number | null;
  ms: number;
}

/** A run or a move that still holds a slot the model has left (a switch, shutdown) fails instead of waiting. */
function stillLoaded(slot: Slot): void {
  if (slot.removed) throw new Error(`model ${slot.spec.id} was unloaded`);
}

/** The `gpu` field of a placement onto this session's GPU (none for the CPU). */
function gpuField(session: TrackedSession): { gpu?: number } {
  return session.gpu === null ? {} : { gpu: session.gpu };
}

function fromGpuField(session: TrackedSession): { fromGpu?: number } {
  return session.gpu === null ? {} : { fromGpu: session.gpu };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
