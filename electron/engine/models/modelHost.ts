import type { Clock } from '../runtime/clock';
import { classifyGpuError, type GpuErrorKind } from './gpuErrors';
import type { Device, Feeds, ModelSpec, Outputs, SessionFactory } from './session';
import { TrackedSession } from './trackedSession';

export interface PlacementEvent {
  model: string;
  from: Device | null;
  to: Device;
  reason: string;
  /** Wall time of the move, until the old session was released (VRAM freed). */
  ms: number;
}

export interface HostGpuError {
  modelId: string;
  kind: GpuErrorKind;
  message: string;
}

export interface ModelView {
  id: string;
  role: string;
  prefer: Device;
  device: Device;
  ep: string;
  /** VRAM this model holds now (0 on the CPU). */
  vramMiB: number;
  /** What a GPU load is expected to take: measured on this GPU once seen, else the weight size. */
  estimateMiB: number;
  measured: boolean;
  standby: boolean;
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
  /** Free VRAM right now (a fresh probe reading), to measure what a GPU load really took. */
  readFreeMiB: () => Promise<number | null>;
  onPlacement: (e: PlacementEvent) => void;
  /** Told of each GPU error before the failed request is retried on the CPU. */
  onGpuError: (e: HostGpuError) => void;
}

interface Slot {
  spec: ModelSpec;
  active: TrackedSession;
  /** A pre-warmed CPU session to swap to instantly when the GPU must be freed. */
  standby: TrackedSession | null;
  reason: string;
  movedAtMs: number;
  measuredMiB: number | null;
  /** Moves of one model are serialized: each waits for the previous. */
  moving: Promise<unknown>;
}

/**
 * Owns the inference sessions. Moving a model is a hot swap: the new session is created while
 * the old one keeps serving, new requests go to the new one, and the old one is released only
 * after its running inferences finish. No request is dropped or run on a released session.
 */
export class ModelHost {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly deps: ModelHostDeps) {}

  async add(spec: ModelSpec, device: Device, reason: string): Promise<void> {
    if (this.slots.has(spec.id)) throw new Error(`model ${spec.id} is already loaded`);
    const started = performance.now();
    const { session, measuredMiB } = await this.create(spec, device);
    this.slots.set(spec.id, {
      spec,
      active: session,
      standby: null,
      reason,
      movedAtMs: this.deps.clock.now(),
      measuredMiB,
      moving: Promise.resolve(),
    });
    this.deps.onPlacement({
      model: spec.id,
      from: null,
      to: device,
      reason,
      ms: performance.now() - started,
    });
  }

  async run(id: string, feeds: Feeds): Promise<RunResult> {
    const slot = this.slot(id);
    const session = slot.active;
    try {
      const outputs = await session.run(feeds);
      return { outputs, device: session.device, ep: session.ep, retriedOnCpu: false };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = classifyGpuError(message);
      if (session.device !== 'gpu' || kind === 'not-gpu') throw error;
      this.deps.onGpuError({ modelId: id, kind, message });
      await this.move(id, 'cpu', `GPU error (${kind}): ${firstLine(message)}`);
      const cpu = this.slot(id).active;
      return { outputs: await cpu.run(feeds), device: cpu.device, ep: cpu.ep, retriedOnCpu: true };
    }
  }

  /** Hot-swap a model to a device. Resolves once the old session is released. */
  move(id: string, to: Device, reason: string): Promise<PlacementEvent | null> {
    const slot = this.slot(id);
    const next = slot.moving.then(() => this.swap(slot, to, reason));
    slot.moving = next.catch(() => undefined);
    return next;
  }

  private async swap(slot: Slot, to: Device, reason: string): Promise<PlacementEvent | null> {
    const old = slot.active;
    if (old.device === to) return null;
    const started = performance.now();
    let fresh: TrackedSession;
    if (to === 'cpu' && slot.standby) {
      fresh = slot.standby;
      slot.standby = null;
    } else {
      const created = await this.create(slot.spec, to);
      fresh = created.session;
      if (created.measuredMiB !== null) slot.measuredMiB = created.measuredMiB;
    }
    slot.active = fresh;
    slot.reason = reason;
    slot.movedAtMs = this.deps.clock.now();
    await old.drainAndRelease();
    const event = { model: slot.spec.id, from: old.device, to, reason, ms: performance.now() - started };
    this.deps.onPlacement(event);
    return event;
  }

  /** Create a CPU session beside a GPU one, so an offload is a pointer swap. */
  prewarmCpuStandby(id: string): Promise<boolean> {
    const slot = this.slot(id);
    const next = slot.moving.then(async () => {
      if (slot.active.device !== 'gpu' || slot.standby) return false;
      slot.standby = (await this.create(slot.spec, 'cpu')).session;
      return true;
    });
    slot.moving = next.catch(() => undefined);
    return next;
  }

  /** Free a standby's RAM once pressure is gone. */
  async dropStandby(id: string): Promise<void> {
    const slot = this.slot(id);
    const standby = slot.standby;
    slot.standby = null;
    await standby?.drainAndRelease();
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
    for (const s of this.slots.values()) n += s.active.inFlight;
    return n;
  }

  /** Take a model out (a model switch): waits for its moves and running inferences, then frees everything. */
  async remove(id: string): Promise<void> {
    const slot = this.slot(id);
    await slot.moving;
    this.slots.delete(id);
    await slot.active.drainAndRelease();
    await slot.standby?.drainAndRelease();
  }

  async releaseAll(): Promise<void> {
    await this.idle();
    for (const slot of this.slots.values()) {
      await slot.active.drainAndRelease();
      await slot.standby?.drainAndRelease();
    }
    this.slots.clear();
  }

  private viewOf(s: Slot): ModelView {
    const estimateMiB = s.measuredMiB ?? s.spec.sizeMiB;
    return {
      id: s.spec.id,
      role: s.spec.role,
      prefer: s.spec.prefer,
      device: s.active.device,
      ep: s.active.ep,
      vramMiB: s.active.device === 'gpu' ? estimateMiB : 0,
      estimateMiB,
      measured: s.measuredMiB !== null,
      standby: s.standby !== null,
      reason: s.reason,
      movedAtMs: s.movedAtMs,
    };
  }

  private async create(
    spec: ModelSpec,
    device: Device,
  ): Promise<{ session: TrackedSession; measuredMiB: number | null }> {
    const before = device === 'gpu' ? await this.deps.readFreeMiB() : null;
    const handle = await this.deps.factory.create(spec, device);
    const after = before === null ? null : await this.deps.readFreeMiB();
    // Other programs allocate too: a delta that is not positive tells nothing about this model.
    const delta = before !== null && after !== null ? before - after : null;
    return { session: new TrackedSession(handle), measuredMiB: delta !== null && delta > 0 ? delta : null };
  }

  private slot(id: string): Slot {
    const slot = this.slots.get(id);
    if (!slot) throw new Error(`unknown model "${id}"`);
    return slot;
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
