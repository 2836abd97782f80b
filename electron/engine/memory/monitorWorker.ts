import { parentPort, workerData } from 'node:worker_threads';
import { wallClock } from '../runtime/clock';
import type { FromWorker, MonitorConfig, ToWorker } from './monitorProtocol';
import { ProbeError } from './probes/gpuProbe';
import { openProbe } from './probes/openProbe';
import { SamplingLoop } from './samplingLoop';

/**
 * The sampling thread: inference and UI work on the engine's main thread never delay a reading.
 * Readings are posted as they are taken; the main thread receives them in order when it is free.
 */
const port = parentPort;
if (!port) throw new Error('monitorWorker must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
const config = workerData as MonitorConfig;

try {
  const { probe, attempts } = openProbe(config.probe, {
    gpu: config.gpu,
    pid: config.pid,
    nvmlLibraryPath: config.nvmlLibraryPath,
    sysfsRoot: config.sysfsRoot,
  });
  post({ type: 'ready', kind: probe.kind, device: probe.device, watched: probe.watched, attempts });
  if (probe.kind !== 'none') {
    const loop = new SamplingLoop({
      clock: wallClock,
      intervalMs: config.intervalMs,
      // Every watched GPU at each tick: "auto" watches all, a pinned GPU is the only one.
      read: (now) => probe.sampleAll(now),
      onSample: (sample) => post({ type: 'sample', sample }),
      onError: (message, retryInMs) => post({ type: 'error', message, retryInMs }),
    });
    port.on('message', (m: ToWorker) => {
      if (m.type === 'sample-now') loop.sampleNow();
      else if (m.type === 'interval') loop.setInterval(m.ms);
      else {
        loop.stop();
        probe.close();
        port.close();
      }
    });
    loop.start();
  } else {
    port.on('message', (m: ToWorker) => m.type === 'stop' && port.close());
  }
} catch (error) {
  const code = error instanceof ProbeError ? error.code : null;
  post({ type: 'fatal', message: error instanceof Error ? error.message : String(error), code });
  port.close();
}
