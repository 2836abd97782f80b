// The hosting the engine no longer ships, kept only as the baseline of side-by-side benchmarks: sessions
// created and run on the calling thread, as onnxruntime-node does by itself.
import * as ort from 'onnxruntime-node';
import type { Device, ModelSpec, SessionFactory, SessionHandle } from '../electron/engine/models/session';
import { sessionOptions, sessionTarget } from '../electron/engine/models/sessionOptions';

export function createInProcessSessionFactory(): SessionFactory {
  return {
    async create(model: ModelSpec, device: Device): Promise<SessionHandle> {
      const { ep, path } = sessionTarget(model, device, null);
      const session = await ort.InferenceSession.create(path, sessionOptions(ep, undefined));
      return { device, ep, run: (feeds) => session.run(feeds), release: () => session.release() };
    },
    close: () => Promise.resolve(),
  };
}
