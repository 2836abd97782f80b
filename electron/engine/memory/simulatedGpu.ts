import type { GpuSample } from '../../../shared/gpuSample';
import { ProbeError, type GpuDeviceInfo, type GpuProbe } from './probes/gpuProbe';

/**
 * A scriptable GPU: other programs' memory is set by a scenario, our sessions allocate and free
 * simulated VRAM, and faults (a failing probe, a GPU error on the next run) are injected on cue.
 */
export class SimulatedGpu {
  readonly info: GpuDeviceInfo;
  readonly reservedMiB: number;
  externalMiB = 0;
  /** While set, every probe reading fails (a driver hiccup mid-run). */
  probeFailure = false;
  private readonly allocations = new Map<number, { owner: string; mib: number }>();
  private nextAllocation = 1;
  private pendingErrors: string[] = [];

  constructor(opts: { name: string; totalMiB: number; reservedMiB: number; index?: number }) {
    const index = opts.index ?? 0;
    this.info = {
      index,
      uuid: `GPU-simulated-${index}`,
      name: opts.name,
      vendor: 'simulated',
      totalMiB: opts.totalMiB,
    };
    this.reservedMiB = opts.reservedMiB;
  }

  get ourMiB(): number {
    let sum = 0;
    for (const a of this.allocations.values()) sum += a.mib;
    return sum;
  }

  get usedMiB(): number {
    return Math.min(this.info.totalMiB, this.reservedMiB + this.externalMiB + this.ourMiB);
  }

  get freeMiB(): number {
    return this.info.totalMiB - this.usedMiB;
  }

  /** Take VRAM the way a real session creation does: fail with a CUDA-style OOM if it does not fit. */
  allocate(owner: string, mib: number): number {
    if (mib > this.freeMiB) {
      throw new Error(
        `CUDA error: out of memory (simulated: ${owner} asked ${Math.round(mib)} MiB, ${Math.round(this.freeMiB)} MiB free)`,
      );
    }
    const id = this.nextAllocation++;
    this.allocations.set(id, { owner, mib });
    return id;
  }

  free(allocation: number): void {
    this.allocations.delete(allocation);
  }

  /** The next GPU run fails with this message (as a driver would report it). */
  injectError(message: string): void {
    this.pendingErrors.push(message);
  }

  takeInjectedError(): string | null {
    return this.pendingErrors.shift() ?? null;
  }

  hasPendingError(): boolean {
    return this.pendingErrors.length > 0;
  }

  sample(nowMs: number): GpuSample {
    if (this.probeFailure)
      throw new ProbeError('query-failed', 'simulated probe failure: the driver did not answer');
    const usedMiB = this.usedMiB;
    return {
      atMs: nowMs,
      gpu: { index: this.info.index, uuid: this.info.uuid, name: this.info.name, vendor: 'simulated' },
      totalMiB: this.info.totalMiB,
      freeMiB: this.info.totalMiB - usedMiB,
      usedMiB,
      reservedMiB: this.reservedMiB,
      processMiB: this.ourMiB,
      topProcesses: [
        { pid: 1000, name: 'other programs', usedMiB: this.externalMiB },
        { pid: 2000, name: 'swictation', usedMiB: this.ourMiB },
      ].sort((a, b) => b.usedMiB - a.usedMiB),
    };
  }

  probe(): GpuProbe {
    return {
      kind: 'simulated',
      device: this.info,
      watched: [this.info],
      devices: () => [this.info],
      sampleAll: (nowMs) => [this.sample(nowMs)],
      sample: (nowMs) => this.sample(nowMs),
      close: () => undefined,
    };
  }
}
