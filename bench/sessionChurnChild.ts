// Child of sessionChurn.ts, one per hosting so each starts from a fresh process: create the tiny model's
// session on the CPU, run it, release it, over and over, through the product's own session factory, and
// print RSS (VmRSS) every `every` cycles as one JSON line.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { createHostedSessionFactory } from '../electron/engine/models/sessionHost';
import type { SessionFactory } from '../electron/engine/models/session';
import { createInProcessSessionFactory } from './inProcessSessions';

export interface ChurnReport {
  hosting: string;
  cycles: number;
  runsPerCycle: number;
  /** [cycle, RSS MiB] every `every` cycles, the first before any session. */
  rss: [number, number][];
  msPerCycle: number;
}

const RUNS = 20;
const FRAMES = 300;

const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

function feeds(): Record<string, ort.Tensor> {
  const audio = Float32Array.from({ length: 80 * FRAMES }, () => Math.random());
  return {
    audio_signal: new ort.Tensor('float32', audio, [1, 80, FRAMES]),
    length: new ort.Tensor('int64', BigInt64Array.from([BigInt(FRAMES)]), [1]),
  };
}

async function main(): Promise<void> {
  // The model's path comes from the parent: a bundled child does not sit where the sources do.
  const [hosting, cyclesArg, everyArg, model] = process.argv.slice(2);
  if (!model) throw new Error('usage: sessionChurnChild HOSTING CYCLES EVERY MODEL');
  const cycles = Number(cyclesArg);
  const every = Number(everyArg);
  const factory: SessionFactory =
    hosting === 'hosted' ? createHostedSessionFactory({ gpuEp: null }) : createInProcessSessionFactory();
  const spec = { id: 'stt', role: 'stt', path: model, sizeMiB: 3, prefer: 'cpu' as const };
  const rss: [number, number][] = [[0, rssMiB()]];
  const started = performance.now();
  for (let i = 1; i <= cycles; i++) {
    const session = await factory.create(spec, 'cpu');
    for (let r = 0; r < RUNS; r++) await session.run(feeds());
    await session.release();
    if (i % every === 0) rss.push([i, rssMiB()]);
  }
  const report: ChurnReport = {
    hosting: hosting ?? '',
    cycles,
    runsPerCycle: RUNS,
    rss,
    msPerCycle: (performance.now() - started) / cycles,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
