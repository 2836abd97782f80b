import type { Worker } from 'node:worker_threads';
import type { GpuSample } from '../../../shared/gpuSample';
import { startWorker } from '../runtime/startWorker';
import type { FromWorker, MonitorConfig, ProbeAttempt, ToWorker } from './monitorProtocol';
import { ProbeError, type GpuDeviceInfo, type ProbeErrorCode, type ProbeKind } from './probes/gpuProbe';

export interface MonitorHandlers {
  onSample: (sample: GpuSample) => void;
  onError: (message: string, retryInMs: number) => void;
}

export interface MonitorReady {
  kind: ProbeKind;
  device: GpuDeviceInfo | null;
  /** Every GPU sampled at each tick. */
  watched: GpuDeviceInfo[];
  attempts: ProbeAttempt[];
}

const WORKER_ENTRY = new URL(
  `./monitorWorker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/** The engine's side of the sampling worker. */
export class GpuMonitor {
  private worker: Worker | null = null;
  /** The latest reading of each watched GPU, by index. */
  private readonly latest = new Map<number, GpuSample>();
  /** The indices of the watched GPUs (a waiter for another GPU takes the first reading instead). */
  private watched = new Set<number>();
  /** sampleNow callers, with the time they asked (a reading taken before that is not "now") and their GPU. */
  private waiters: { since: number; gpu: number | null; resolve: (s: GpuSample | null) => void }[] = [];

  constructor(private readonly handlers: MonitorHandlers) {}

  /** Starts the worker; rejects with the probe's error (e.g. an unknown GPU). */
  start(config: MonitorConfig): Promise<MonitorReady> {
    const worker = startWorker(WORKER_ENTRY, { ...config });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          // Only now may the sampling thread stop keeping the process alive: awaiting start() must not exit.
          worker.unref();
          this.watched = new Set(m.watched.map((d) => d.index));
          resolve({ kind: m.kind, device: m.device, watched: m.watched, attempts: m.attempts });
        } else if (m.type === 'fatal') {
          reject(new ProbeError((m.code ?? 'init-failed') as ProbeErrorCode, m.message));
        } else if (m.type === 'sample') this.deliver(m.sample);
        else {
          this.handlers.onError(m.message, m.retryInMs);
          this.wake(null);
        }
      });
      worker.on('error', reject);
    });
  }

  /**
   * Ask for a reading now (one tick reads every watched GPU); resolves with GPU `gpu`'s (default: the first to
   * arrive), null if the probe failed.
   */
  sampleNow(gpu: number | null = null): Promise<GpuSample | null> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(null);
    const since = Date.now();
    // The sampling thread does not keep the process alive, but a caller awaiting a reading must: with nothing
    // else pending, the process would exit mid-await (seen on an H100: an engine measuring its first GPU load
    // exited with code 0). Unref'd again once nobody waits.
    worker.ref();
    this.post({ type: 'sample-now' });
    const wanted = gpu !== null && this.watched.has(gpu) ? gpu : null;
    return new Promise((resolve) => this.waiters.push({ since, gpu: wanted, resolve }));
  }

  /** The latest reading of the first watched GPU. */
  get lastSample(): GpuSample | null {
    return this.lastSamples()[0] ?? null;
  }

  /** The latest reading of every watched GPU, in index order. */
  lastSamples(): GpuSample[] {
    return [...this.latest.values()].sort((a, b) => a.gpu.index - b.gpu.index);
  }

  setInterval(ms: number): void {
    this.post({ type: 'interval', ms });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.wake(null);
    if (!worker) return;
    worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await worker.terminate();
  }

  private deliver(sample: GpuSample): void {
    this.latest.set(sample.gpu.index, sample);
    this.handlers.onSample(sample);
    this.wake(sample);
  }

  private wake(sample: GpuSample | null): void {
    const ready = this.waiters.filter(
      (w) => sample === null || (sample.atMs >= w.since && (w.gpu === null || w.gpu === sample.gpu.index)),
    );
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(sample);
    if (this.waiters.length === 0) this.worker?.unref();
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }
}
