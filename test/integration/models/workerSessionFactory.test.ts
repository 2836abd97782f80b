import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtSessionFactory } from '../../../electron/engine/models/ortSessionFactory';
import type { ModelSpec } from '../../../electron/engine/models/session';
import { createWorkerSessionFactory } from '../../../electron/engine/models/workerSessionFactory';
import { referenceDense, writeDenseModel, type WrittenDenseModel } from '../../fixtures/denseModel';

let dir = '';
let big: WrittenDenseModel;
let spec: ModelSpec;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'swictation-worker-session-'));
  big = await writeDenseModel(join(dir, 'big.onnx'), 200);
  spec = { id: 'big', role: 'stt', path: join(dir, 'big.onnx'), sizeMiB: 200, prefer: 'gpu' };
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const input = (width: number) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: 2 * width }, (_, i) => ((i % 17) - 8) / 8),
    [2, width],
  );

/** Turns of the event loop while `work` is pending: zero when something holds the thread. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let turns = 0;
  const state = { pending: true };
  void work.finally(() => (state.pending = false));
  while (state.pending) {
    await new Promise((r) => setImmediate(r));
    turns++;
  }
  return turns;
}

describe('sessions in worker threads', () => {
  it('gives the same outputs as an in-process session (a real 200 MB model on the CPU)', async () => {
    const session = await createWorkerSessionFactory({ gpuEp: null }).create(spec, 'cpu');
    const x = input(big.width);
    const y = (await session.run({ x })).y;
    expect(y?.dims).toEqual([2, big.width]);
    const reference = referenceDense({ layers: big.layers, width: big.width }, x.data);
    const got = y?.data as Float32Array;
    const maxDiff = Math.max(...reference.map((r, i) => Math.abs(r - (got[i] ?? NaN))));
    expect(maxDiff).toBeLessThan(1e-3);
    expect(session.ep).toBe('cpu');
    await session.release();
  });

  it('keeps the engine’s event loop turning while a model loads (an in-process load holds it)', async () => {
    const inWorker = createWorkerSessionFactory({ gpuEp: null }).create(spec, 'cpu');
    const workerTurns = await turnsDuring(inWorker);
    await (await inWorker).release();
    const inProcess = createOrtSessionFactory({ gpuEp: null }).create(spec, 'cpu');
    const inProcessTurns = await turnsDuring(inProcess);
    await (await inProcess).release();
    // Parsing 200 MB takes about a second: hundreds of turns beside a worker, a handful (file I/O) in-process.
    expect(workerTurns).toBeGreaterThan(50);
    expect(workerTurns).toBeGreaterThan(inProcessTurns * 5);
  });

  it('passes ORT’s own error messages through, and a released session refuses to run', async () => {
    const session = await createWorkerSessionFactory({ gpuEp: null }).create(spec, 'cpu');
    await expect(session.run({ nope: input(big.width) })).rejects.toThrow(/input 'x' is missing/);
    const running = session.run({ x: input(big.width) });
    await session.release(); // waits for the run already sent
    await expect(running).resolves.toHaveProperty('y');
    await expect(session.run({ x: input(big.width) })).rejects.toThrow(/was released/);
  });

  it('a model that cannot load fails the create with the reason', async () => {
    const factory = createWorkerSessionFactory({ gpuEp: null });
    await expect(factory.create({ ...spec, path: join(dir, 'missing.onnx') }, 'cpu')).rejects.toThrow(
      /missing\.onnx/,
    );
    await expect(factory.create(spec, 'gpu')).rejects.toThrow(/no GPU execution provider available/);
  });
});
