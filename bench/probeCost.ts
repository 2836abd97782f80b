// (a) The cost of one GPU memory reading: NVML in-process through koffi (what the monitor does every tick)
// against spawning nvidia-smi for the same figures. Both are timed in alternating rounds of one run, so the
// ratio compares like with like.
import { openNvmlProbe } from '../electron/engine/memory/probes/nvmlProbe';
import { readNvidiaSmi } from '../electron/engine/memory/probes/nvidiaSmi';
import { machineInfo } from './machine';
import { describeTarget, type NvmlTarget } from './nvmlTarget';
import type { BenchResult } from './report';
import { table } from './report';
import { fmt, summarize, type Summary } from './stats';

interface Plan {
  rounds: number;
  nvmlPerRound: number;
  smiPerRound: number;
}

const FULL: Plan = { rounds: 10, nvmlPerRound: 2000, smiPerRound: 20 };
const QUICK: Plan = { rounds: 5, nvmlPerRound: 1000, smiPerRound: 10 };

function toMs(ns: bigint): number {
  return Number(ns) / 1e6;
}

export async function benchProbeCost(quick: boolean, target: NvmlTarget): Promise<BenchResult> {
  const started = performance.now();
  const plan = quick ? QUICK : FULL;
  const probe = openNvmlProbe({ libraryPath: target.libraryPath });
  try {
    const smi = target.smi;
    // The same figures both ways, or the comparison would be of different work.
    const sample = probe.sample(Date.now());
    const smiReading = smi ? await readNvidiaSmi(undefined, smi.command) : null;

    for (let i = 0; i < 500; i++) probe.sample(Date.now()); // JIT and koffi's first-call costs
    if (smi) for (let i = 0; i < 3; i++) await readNvidiaSmi(undefined, smi.command);

    const nvmlMs: number[] = [];
    const nvmlBatchMeans: number[] = [];
    const smiMs: number[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      const batchStart = process.hrtime.bigint();
      for (let i = 0; i < plan.nvmlPerRound; i++) {
        const t0 = process.hrtime.bigint();
        probe.sample(Date.now());
        nvmlMs.push(toMs(process.hrtime.bigint() - t0));
      }
      nvmlBatchMeans.push(toMs(process.hrtime.bigint() - batchStart) / plan.nvmlPerRound);
      if (!smi) continue;
      for (let i = 0; i < plan.smiPerRound; i++) {
        const t0 = process.hrtime.bigint();
        await readNvidiaSmi(undefined, smi.command);
        smiMs.push(toMs(process.hrtime.bigint() - t0));
      }
    }

    const nvml = summarize(nvmlMs);
    const smiSummary = smiMs.length > 0 ? summarize(smiMs) : null;
    const rows: string[][] = [
      row(`NVML via koffi, one probe.sample() (${target.nvml})`, nvml, nvml),
      ...(smiSummary && smi ? [row(`nvidia-smi subprocess (${smi.source})`, smiSummary, nvml)] : []),
    ];
    const batchMeanUs = (nvmlBatchMeans.reduce((s, v) => s + v, 0) / nvmlBatchMeans.length) * 1000;
    const ratio = smiSummary ? smiSummary.median / nvml.median : null;
    const markdown = [
      describeTarget(target),
      '',
      table(['method', 'n', 'median', 'p95', 'max', 'median ratio to NVML'], rows),
      '',
      `NVML mean over whole rounds (no per-call timer): ${fmt(batchMeanUs)} µs. One probe.sample() reads memory` +
        ' (v2 struct: total, reserved, free) and both process lists (compute + graphics), a superset of what the' +
        ' nvidia-smi query returns (total, used, free).',
      `Figures agree: NVML total ${fmt(sample.totalMiB)} MiB, free ${fmt(sample.freeMiB)} MiB` +
        (smiReading
          ? `; nvidia-smi total ${smiReading.totalMiB} MiB, free ${smiReading.freeMiB} MiB.`
          : '; no nvidia-smi to compare.'),
      ratio === null
        ? 'No nvidia-smi: no ratio.'
        : `**nvidia-smi costs ${fmt(ratio)}× an NVML reading (medians, ${target.nvml === 'stub' ? 'stub vs stub' : 'real vs real'}).**` +
          (target.nvml === 'stub'
            ? ' The stub library answers from memory and the stub nvidia-smi is a tiny C program, so both sides are' +
              ' cheaper than on a real driver (FACTS.md, H100: NVML memory 5–7 µs, process lists ~0.2 ms, nvidia-smi ~21 ms):' +
              ' this measures the binding and the spawn, not the driver.'
            : ''),
    ].join('\n');
    return {
      name: 'probe',
      title: '(a) Cost of one GPU memory reading: NVML in-process vs nvidia-smi',
      quick,
      machine: machineInfo(),
      seconds: (performance.now() - started) / 1000,
      params: { ...plan, nvml: target.nvml, smi: target.smi?.source ?? null },
      data: { nvmlMs: nvml, nvmlBatchMeanUs: batchMeanUs, smiMs: smiSummary, ratioMedian: ratio },
      markdown,
    };
  } finally {
    probe.close();
  }
}

function row(label: string, s: Summary, nvml: Summary): string[] {
  const ms = (v: number): string => (v < 1 ? `${fmt(v * 1000)} µs` : `${fmt(v)} ms`);
  return [label, String(s.n), ms(s.median), ms(s.p95), ms(s.max), `${fmt(s.median / nvml.median)}×`];
}
