import { describe, expect, it } from 'vitest';
import { createMemoryStack } from '../../../electron/engine/memory/memoryStack';
import { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import type { SessionFactory } from '../../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../../electron/engine/models/simulatedSessionFactory';
import { VirtualClock } from '../../../electron/engine/runtime/clock';
import type { EngineEvent } from '../../../shared/engineEvents';
import { validateMemorySettings } from '../../../shared/settings';

const STT = { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' } as const;

/** GPU sessions whose every run fails the way CUDA reports running out of memory. */
function oomOnGpuRuns(inner: SessionFactory): SessionFactory {
  return {
    create: async (spec, device, lane) => {
      const session = await inner.create(spec, device, lane);
      if (device !== 'gpu') return session;
      return { ...session, run: () => Promise.reject(new Error('CUDA error: out of memory')) };
    },
  };
}

function stack() {
  const clock = new VirtualClock(0);
  const gpu = new SimulatedGpu({ name: 'Test GPU', totalMiB: 8000, reservedMiB: 300 });
  const events: EngineEvent[] = [];
  const requested: number[] = [];
  const settings = validateMemorySettings({});
  if (!settings.ok) throw new Error(settings.errors.join('; '));
  const built = createMemoryStack({
    factory: oomOnGpuRuns(createSimulatedSessionFactory(gpu, null)),
    clock,
    settings: settings.settings,
    gpuAvailable: true,
    probeKind: 'simulated',
    readings: {
      readFreeMiB: () => Promise.resolve(gpu.freeMiB),
      requestSample: (afterMs) => requested.push(afterMs),
    },
    emit: (e) => events.push(e),
  });
  built.manager.onSample(gpu.sample(clock.now()));
  return { ...built, events, requested };
}

describe('createMemoryStack', () => {
  it('a load on the GPU is a placement event, and the host and the manager see the same model', async () => {
    const s = stack();
    await s.manager.load(STT);
    expect(s.events.filter((e) => e.type === 'placement')).toMatchObject([
      { model: 'stt', from: null, to: 'gpu' },
    ]);
    expect(s.host.view('stt').device).toBe('gpu');
    expect(s.manager.status().models).toMatchObject([{ id: 'stt', device: 'gpu' }]);
  });

  it('a GPU error the host meets is the manager’s strike, and the run is served on the CPU', async () => {
    const s = stack();
    await s.manager.load(STT);
    const result = await s.host.run('stt', {});
    expect(result).toMatchObject({ device: 'cpu', retriedOnCpu: true });
    expect(s.events.filter((e) => e.type === 'gpu-error')).toMatchObject([
      { kind: 'oom', count: 1, model: 'stt', retriedOn: 'cpu' },
    ]);
    expect(s.manager.status().gpuErrors).toMatchObject({ count: 1, inWindow: 1 });
  });
});
