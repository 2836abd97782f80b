// Run as its own process: starts the monitor on the NVML stub, then awaits one reading with nothing else
// pending. Prints the reading's total, or nothing if the process exited while waiting.
import { GpuMonitor } from '../../../../electron/engine/memory/gpuMonitor';

const monitor = new GpuMonitor({ onSample: () => undefined, onError: () => undefined });
await monitor.start({
  probe: 'nvml',
  nvmlLibraryPath: process.argv[2],
  pid: process.pid,
  // Far apart: only sampleNow's own reading can arrive during the await.
  intervalMs: 60_000,
});
const sample = await monitor.sampleNow();
process.stdout.write(`sample ${String(sample?.totalMiB)}\n`);
await monitor.stop();
