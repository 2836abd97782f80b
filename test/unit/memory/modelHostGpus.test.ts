import { describe, expect, it } from 'vitest';
import { mostFree, mostRoom } from '../../../shared/gpuPlacement';
import { SimulatedGpu } from '../../../electron/engine/memory/simulatedGpu';
import { ModelHost, type PlacementEvent } from '../../../electron/engine/models/modelHost';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { createSimulatedSessionFactory } from '../../../electron/engine/models/simulatedSessionFactory';
import { VirtualClock } from '../../../electron/engine/runtime/clock';

const STT: ModelSpec = { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' };

/** A host on two simulated 8 GB GPUs, whose VRAM the sessions really take and free. */
function twoGpus() {
  const gpus = [0, 1].map(
    (index) => new SimulatedGpu({ name: `GPU ${index}`, totalMiB: 8000, reservedMiB: 0, index }),
  );
  const placements: PlacementEvent[] = [];
  const host = new ModelHost({
    factory: createSimulatedSessionFactory(gpus, null),
    clock: new VirtualClock(0),
    readFreeMiB: (gpu) => Promise.resolve(gpus[gpu]?.freeMiB ?? null),
    readProcessMiB: (gpu) => Promise.resolve(gpus[gpu]?.ourMiB ?? null),
    onPlacement: (e) => placements.push(e),
    onGpuError: () => undefined,
  });
  const vram = () => gpus.map((g) => g.ourMiB);
  return { host, placements, vram };
}

describe('placement by most room (shared/gpuPlacement.ts)', () => {
  const gpus = [
    { index: 0, freeMiB: 3000 },
    { index: 1, freeMiB: 5000 },
    { index: 2, freeMiB: 5000 },
  ];

  it('takes the GPU with the most room among those that admit the model; ties go to the lower index', () => {
    expect(mostRoom(gpus, 1500, 256)?.index).toBe(1);
    expect(mostRoom(gpus.slice(0, 1), 1500, 256)?.index).toBe(0);
    expect(mostRoom(gpus, 4800, 256)).toBeNull(); // none keeps the headroom
    expect(mostFree(gpus)?.index).toBe(1);
    expect(mostFree([])).toBeNull();
  });
});

describe('ModelHost on two GPUs', () => {
  it('loads on the GPU it is given and moves GPU → GPU as a hot swap: built there, then the source freed', async () => {
    const { host, placements, vram } = twoGpus();
    await host.add(STT, 'gpu', 'most room', 1);
    expect(vram()).toEqual([0, 1500]);
    expect(host.view('stt')).toMatchObject({ device: 'gpu', gpu: 1 });
    await host.move('stt', 'gpu', 'rebalanced', 0);
    expect(vram()).toEqual([1500, 0]);
    expect(placements.map((p) => [p.from, p.fromGpu, p.to, p.gpu])).toEqual([
      [null, undefined, 'gpu', 1],
      ['gpu', 1, 'gpu', 0],
    ]);
    await expect(host.run('stt', {})).resolves.toMatchObject({ device: 'gpu', ep: 'simulated-gpu' });
  });

  it('EMERGENCY with a copy pre-warmed on the other GPU: a pointer swap, never the CPU', async () => {
    const { host, placements, vram } = twoGpus();
    await host.add(STT, 'gpu', 'most room', 0);
    await expect(host.prewarmGpuStandby('stt', 1)).resolves.toBe(true);
    expect(vram()).toEqual([1500, 1500]);
    expect(host.view('stt')).toMatchObject({ gpu: 0, gpuStandby: 1, standby: false });
    const evacuated = await host.evacuate('stt', 'EMERGENCY on GPU 0', undefined, {
      gpu: 0,
      toGpuStandby: true,
    });
    expect(evacuated?.model).toBe('stt');
    expect(vram()).toEqual([0, 1500]);
    expect(host.view('stt')).toMatchObject({ device: 'gpu', gpu: 1, gpuStandby: null });
    expect(placements.at(-1)).toMatchObject({ from: 'gpu', fromGpu: 0, to: 'gpu', gpu: 1 });
    await expect(host.run('stt', {})).resolves.toMatchObject({ device: 'gpu' });
  });

  it('EMERGENCY on another GPU leaves the model alone; one not allowed its GPU copy goes to the CPU', async () => {
    const { host, vram } = twoGpus();
    await host.add(STT, 'gpu', 'most room', 0);
    await expect(host.evacuate('stt', 'EMERGENCY on GPU 1', undefined, { gpu: 1 })).resolves.toBeNull();
    expect(host.view('stt').gpu).toBe(0);
    await host.prewarmGpuStandby('stt', 1);
    await host.evacuate('stt', 'EMERGENCY on GPU 0', undefined, { gpu: 0, toGpuStandby: false });
    expect(host.view('stt')).toMatchObject({ device: 'cpu', gpu: null, gpuStandby: null });
    expect(vram()).toEqual([0, 0]); // the unused GPU copy was released too
  });
});
