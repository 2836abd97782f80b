/** A real ModelHost over real onnxruntime-node CPU sessions, as the engine runs recognizers. */
import { ModelHost } from '../../../electron/engine/models/modelHost';
import { createHostedSessionFactory } from '../../../electron/engine/models/sessionHost';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { wallClock } from '../../../electron/engine/runtime/clock';
import type { ModelRunner } from '../../../electron/engine/stt/recognizer';

export interface HostRunner {
  run: ModelRunner;
  /** Every model id the recognizer ran, in order (to count decoder steps). */
  calls: string[];
  release(): Promise<void>;
}

export async function hostRunner(models: readonly ModelSpec[]): Promise<HostRunner> {
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp: null, cpuThreads: 1 }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(null),
    onPlacement: () => undefined,
    onGpuError: () => undefined,
  });
  for (const spec of models) await host.add(spec, 'cpu', 'test');
  const calls: string[] = [];
  return {
    calls,
    run: (id, feeds) => {
      calls.push(id);
      return host.run(id, feeds);
    },
    release: () => host.releaseAll(),
  };
}
