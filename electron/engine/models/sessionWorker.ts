/**
 * A worker thread that owns one ONNX Runtime session. onnxruntime-node parses and optimises a model on the
 * calling thread (a 200 MB model held the engine's event loop for 1.1 s, an 800 MB one for ~5 s), so sessions
 * are created here and the engine's thread only posts tensors.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from './ortSessionFactory';
import {
  fromWire,
  toWire,
  transferables,
  type FromSessionWorker,
  type SessionWorkerData,
  type ToSessionWorker,
} from './sessionWorkerProtocol';

const data = workerData as SessionWorkerData;
const port = parentPort;
if (!port) throw new Error('sessionWorker must run in a worker thread');
const post = (m: FromSessionWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

const options = sessionOptions(data.ep, data.cpuThreads ?? undefined);

let session: ort.InferenceSession | null = null;
const inFlight = new Set<Promise<unknown>>();

port.on('message', (m: ToSessionWorker) => {
  if (m.type === 'run') void run(m.id, m);
  else void release();
});

try {
  session = await ort.InferenceSession.create(data.path, options);
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'create-failed', message: messageOf(error) });
}

async function run(id: number, m: Extract<ToSessionWorker, { type: 'run' }>): Promise<void> {
  if (!session) {
    post({ type: 'run-failed', id, message: `session for model ${data.modelId} was released` });
    return;
  }
  const pending = session.run(fromWire(m.feeds));
  inFlight.add(pending);
  try {
    const outputs = toWire(await pending);
    post({ type: 'result', id, outputs }, transferables(outputs));
  } catch (error) {
    post({ type: 'run-failed', id, message: messageOf(error) });
  } finally {
    inFlight.delete(pending);
  }
}

async function release(): Promise<void> {
  const s = session;
  session = null;
  await Promise.allSettled([...inFlight]);
  await s?.release();
  post({ type: 'released' });
}
