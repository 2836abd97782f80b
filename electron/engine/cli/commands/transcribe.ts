import { memorySource } from '../../audio/memorySource';
import { SileroVad } from '../../audio/sileroVad';
import { segmentStream } from '../../audio/vadSegmenter';
import { probeExecutionProviders } from '../../models/executionProviders';
import { ModelHost } from '../../models/modelHost';
import { createHostedSessionFactory } from '../../models/sessionHost';
import type { Device } from '../../models/session';
import { wallClock } from '../../runtime/clock';
import { userDataDir } from '../../runtime/userDataDir';
import { loadUserRecognizer, locateUserModel, readWavInput } from '../inputs';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';

interface Segment {
  startMs: number;
  endMs: number;
  text: string;
}

/** A WAV file → its transcript, through the production path: VAD segmentation, features, model, decoder. */
export async function transcribeCommand({ values, positionals }: ParsedArgs): Promise<number> {
  const file = positionals[0];
  if (file === undefined) throw new UsageError('transcribe needs a WAV file: swictation transcribe FILE.wav');
  const device = parseDevice(values['device']);
  const wav = await readWavInput(file);
  const location = await locateUserModel(values['model'], userDataDir());
  const recognizer = await loadUserRecognizer(location, typeof values['model'] === 'string');
  const gpuEp = device === 'cpu' ? null : (await probeExecutionProviders({ stopAtFirstGpu: true })).gpuEp;
  if (device === 'gpu' && gpuEp === null)
    throw new UsageError('--device gpu: no GPU execution provider works here');
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(null),
    onPlacement: () => undefined,
    onGpuError: () => undefined,
  });
  const vad = await SileroVad.create();
  try {
    for (const m of recognizer.models) {
      const where = gpuEp !== null && m.prefer === 'gpu' ? 'gpu' : 'cpu';
      await host.add(m, where, 'transcribe');
    }
    const segments: Segment[] = [];
    let last = { device: 'cpu', ep: 'cpu' };
    let latencyMs = 0;
    for await (const u of segmentStream(memorySource(wav.audio), vad)) {
      const r = await recognizer.recognize(u.audio, (id, feeds) => host.run(id, feeds));
      latencyMs = Math.max(latencyMs, performance.now() - u.endOfSpeechAt);
      last = r;
      if (r.text !== '') segments.push({ startMs: u.startMs, endMs: u.endMs, text: r.text });
    }
    const text = segments.map((s) => s.text).join(' ');
    const result = { text, segments, device: last.device, ep: last.ep, latencyMs, model: location.id };
    process.stdout.write(values['json'] === true ? `${JSON.stringify(result)}\n` : `${text}\n`);
    return 0;
  } finally {
    await vad.release();
    await host.releaseAll();
  }
}

function parseDevice(raw: unknown): Device | 'auto' {
  if (raw === undefined) return 'cpu';
  if (raw === 'cpu' || raw === 'gpu' || raw === 'auto') return raw;
  throw new UsageError(
    `--device must be cpu, gpu or auto, got "${typeof raw === 'string' ? raw : 'a flag'}"`,
  );
}
