/**
 * A session host: a worker thread that lives as long as the engine and owns the ONNX Runtime sessions of one
 * lane (one model on one device). onnxruntime-node parses and optimises a model on the calling thread (a 200 MB
 * model held its thread for 1.1 s, an 800 MB one for ~5 s), so sessions are created, run and released here and
 * the engine's thread only posts tensors. One thread per lane, not per session: threads are not churned on every
 * move, and building a CPU copy never delays runs of the GPU copy (they are different lanes).
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from './sessionOptions';
import {
  fromWire,
  toWire,
  transferables,
  type CreateRequest,
  type FromSessionHost,
  type ToSessionHost,
} from './sessionHostProtocol';

const port = parentPort;
if (!port) throw new Error('sessionHostWorker must run in a worker thread');
const post = (m: FromSessionHost, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Hosted {
  session: ort.InferenceSession;
  inFlight: Set<Promise<unknown>>;
}

const sessions = new Map<number, Hosted>();

// On Linux a nice value belongs to a thread, and the threads ONNX Runtime starts from this one inherit it: a model
// being parsed or run here then never takes the CPU from the engine's own thread (readings, requests, audio) on a
// busy machine. Elsewhere it would lower the whole process, so it is left alone.
const HOST_NICE = 5;
if (process.platform === 'linux') {
  try {
    setPriority(HOST_NICE);
  } catch {
    // Not permitted (a sandbox): the host runs at the engine's priority.
  }
}

port.on('message', (m: ToSessionHost) => {
  if (m.type === 'create') void create(m);
  else if (m.type === 'run') void run(m.sid, m.id, m);
  else void release(m.sid);
});

async function create(m: CreateRequest): Promise<void> {
  try {
    const session = await ort.InferenceSession.create(
      m.path,
      sessionOptions(m.ep, m.cpuThreads ?? undefined, m.gpu),
    );
    sessions.set(m.sid, { session, inFlight: new Set() });
    post({ type: 'created', sid: m.sid });
  } catch (error) {
    post({ type: 'create-failed', sid: m.sid, message: messageOf(error) });
  }
}

async function run(sid: number, id: number, m: Extract<ToSessionHost, { type: 'run' }>): Promise<void> {
  const hosted = sessions.get(sid);
  if (!hosted) {
    post({ type: 'run-failed', sid, id, message: 'Session already disposed.' });
    return;
  }
  const pending = hosted.session.run(fromWire(m.feeds));
  hosted.inFlight.add(pending);
  try {
    const outputs = toWire(await pending);
    post({ type: 'result', sid, id, outputs }, transferables(outputs));
  } catch (error) {
    post({ type: 'run-failed', sid, id, message: messageOf(error) });
  } finally {
    hosted.inFlight.delete(pending);
  }
}

/** Runs already queued inside ORT would fail with "Session already disposed." if release did not wait. */
async function release(sid: number): Promise<void> {
  const hosted = sessions.get(sid);
  sessions.delete(sid);
  if (hosted) {
    await Promise.allSettled([...hosted.inFlight]);
    await hosted.session.release();
  }
  post({ type: 'released', sid });
}
