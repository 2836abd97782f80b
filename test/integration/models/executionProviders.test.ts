// The probe against this machine's real onnxruntime-node. It must hold on a CPU-only build machine and on a
// GPU machine alike, so it asserts the report's consistency rather than which GPU provider exists.
import { describe, expect, it } from 'vitest';
import {
  probeExecutionProviders,
  type EpProbeReport,
} from '../../../electron/engine/models/executionProviders';

function expectConsistent(report: EpProbeReport): void {
  const cpu = report.results.find((r) => r.ep === 'cpu');
  expect(cpu?.ok).toBe(true);
  for (const r of report.results) {
    expect(r.ms).toBeGreaterThanOrEqual(0);
    if (r.ok) expect(r.error).toBeUndefined();
    else expect(r.error?.trim()).toBeTruthy(); // the provider's own message, kept for doctor
  }
  const firstGpu = report.results.find((r) => r.ep !== 'cpu' && r.ok);
  expect(report.gpuEp).toBe(firstGpu?.ep ?? null);
}

describe('probeExecutionProviders', () => {
  it('tries cuda, then webgpu, then cpu, and reports each', async () => {
    const t0 = performance.now();
    const report = await probeExecutionProviders();
    const total = performance.now() - t0;
    expect(report.results.map((r) => r.ep)).toEqual(['cuda', 'webgpu', 'cpu']);
    expectConsistent(report);
    console.info(
      `EP probe ${Math.round(total)} ms: ` +
        report.results
          .map((r) => `${r.ep} ${r.ok ? 'ok' : 'failed'} ${r.ms} ms${r.error ? ` (${r.error})` : ''}`)
          .join('; '),
    );
  });

  it('keeps the known failure messages of missing providers verbatim', async () => {
    const report = await probeExecutionProviders();
    const failed = (ep: string): string | undefined =>
      report.results.find((r) => r.ep === ep && !r.ok)?.error;
    // Only checked where the provider is absent: on a GPU machine it may work.
    const cuda = failed('cuda');
    if (cuda?.includes('Failed to load shared library')) {
      expect(cuda).toContain('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
    }
    const webgpu = failed('webgpu');
    if (webgpu?.includes('adapter'))
      expect(webgpu).toContain('Failed to get a WebGPU adapter: No supported adapters');
  });

  it('skips what it is told to, and still probes cpu', async () => {
    const report = await probeExecutionProviders({ skip: ['cuda', 'webgpu'] });
    expect(report.results.map((r) => r.ep)).toEqual(['cpu']);
    expect(report.gpuEp).toBeNull();
    expectConsistent(report);
  });

  it('never throws and stays fast when probed repeatedly', async () => {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) expectConsistent(await probeExecutionProviders());
    // Missing providers fail in milliseconds here; a generous bound still catches a hang-like stall.
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('with stopAtFirstGpu, probes no GPU provider after one works', async () => {
    const report = await probeExecutionProviders({ stopAtFirstGpu: true });
    expectConsistent(report);
    const gpuResults = report.results.filter((r) => r.ep !== 'cpu');
    const firstOk = gpuResults.findIndex((r) => r.ok);
    if (firstOk >= 0) expect(gpuResults).toHaveLength(firstOk + 1);
  });
});
