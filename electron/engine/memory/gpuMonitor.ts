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
  attempts: ProbeAttempt[];
}

const WORKER_ENTRY = new URL(
  `./monitorWorker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

/** The engine's side of the sampling worker. */
export class GpuMonitor {
  private worker: Worker | null = null;
  private latest: GpuSample | null = null;
  /** sampleNow callers, with the time they asked: a reading taken before that is not "now". */
  private waiters: { since: number; resolve: (s: GpuSample | null) => void }[] = [];

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
          resolve({ kind: m.kind, device: m.device, attempts: m.attempts });
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

  /** Ask for a reading now; resolves with it (null if the probe failed). */
  sampleNow(): Promise<GpuSample | null> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(null);
    const since = Date.now();
    // The sampling thread does not keep the process alive, but a caller awaiting a reading must: with nothing
    // else pending, the process would exit mid-await (seen on an H100: an engine measuring its first GPU load
    // exited with code 0). Unref'd again once nobody waits.
    worker.ref();
    this.post({ type: 'sample-now' });
    return new Promise((resolve) => this.waiters.push({ since, resolve }));
  }

  get lastSample(): GpuSample | null {
    return this.latest;
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
    this.latest = sample;
    this.handlers.onSample(sample);
    this.wake(sample);
  }

  private wake(sample: GpuSample | null): void {
    const ready = this.waiters.filter((w) => sample === null || sample.atMs >= w.since);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(sample);
    if (this.waiters.length === 0) this.worker?.unref();
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }
}
