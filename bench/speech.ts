// (e) Speech: Silero VAD throughput, NeMo feature cost, and end-of-speech → transcript latency of the
// fixture model on the CPU, all on the project's held-out fixture audio through the production code.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { computeFeatures } from '../electron/engine/audio/features';
import { SileroVad, VAD_CHUNK } from '../electron/engine/audio/sileroVad';
import { readWav } from '../electron/engine/audio/wavFile';
import { runDictation } from '../electron/engine/dictation/dictationPipeline';
import { ModelHost } from '../electron/engine/models/modelHost';
import { createHostedSessionFactory } from '../electron/engine/models/sessionHost';
import { wallClock } from '../electron/engine/runtime/clock';
import { loadRecognizer } from '../electron/engine/stt/loadRecognizer';
import { FIXTURE_MODEL_DIR } from '../electron/engine/stt/modelLocation';
import { machineInfo } from './machine';
import { pacedAudio } from './pacedAudio';
import { table, type BenchResult } from './report';
import { fmt, summarize } from './stats';

const AUDIO = fileURLToPath(new URL('../test/fixtures/audio/ten-utterances.wav', import.meta.url));
const SECOND = 16_000;

async function vadThroughput(audio: Float32Array) {
  const vad = await SileroVad.create();
  try {
    const perChunk: number[] = [];
    const started = performance.now();
    for (let o = 0; o + VAD_CHUNK <= audio.length; o += VAD_CHUNK) {
      const t = performance.now();
      await vad.probability(audio.subarray(o, o + VAD_CHUNK));
      perChunk.push(performance.now() - t);
    }
    const wallMs = performance.now() - started;
    return { chunk: summarize(perChunk), realTimeFactor: ((audio.length / SECOND) * 1000) / wallMs };
  } finally {
    await vad.release();
  }
}

function featureCost(audio: Float32Array, rounds: number) {
  return [1, 5, 30].map((seconds) => {
    const clip = audio.subarray(0, seconds * SECOND);
    computeFeatures(clip); // warm the window and filterbank caches
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      computeFeatures(clip);
      times.push((performance.now() - t) / seconds);
    }
    return { seconds, perSecond: summarize(times) };
  });
}

async function transcriptLatency(audio: Float32Array, passes: number) {
  const recognizer = await loadRecognizer(FIXTURE_MODEL_DIR);
  const host = new ModelHost({
    factory: createHostedSessionFactory({ gpuEp: null }),
    clock: wallClock,
    readFreeMiB: () => Promise.resolve(null),
    onPlacement: () => undefined,
    onGpuError: () => undefined,
  });
  for (const m of recognizer.models) await host.add(m, 'cpu', 'bench');
  const vad = await SileroVad.create();
  const latencies: number[] = [];
  try {
    for (let p = 0; p < passes; p++) {
      const ts = await runDictation(pacedAudio(audio, 4), {
        recognizer,
        vad,
        run: (id, feeds) => host.run(id, feeds),
        historyDir: fileURLToPath(new URL('./results/.tmp-history/', import.meta.url)),
        emit: () => undefined,
      });
      latencies.push(...ts.map((t) => t.latencyMs));
    }
  } finally {
    await vad.release();
    await host.releaseAll();
  }
  return summarize(latencies);
}

export async function benchSpeech(quick: boolean): Promise<BenchResult> {
  const started = performance.now();
  await readFile(AUDIO); // a clear error if the fixture audio is missing
  const { audio } = await readWav(AUDIO);
  const vad = await vadThroughput(audio);
  const features = featureCost(audio, quick ? 5 : 20);
  const latency = await transcriptLatency(audio, quick ? 1 : 3);
  const ms = (v: number) => `${fmt(v)} ms`;
  const markdown = [
    `Audio: test/fixtures/audio/ten-utterances.wav (${fmt(audio.length / SECOND)} s, 10 held-out utterances).`,
    '',
    table(
      ['measure', 'median', 'p95', 'other'],
      [
        [
          'Silero VAD v5, per 512-sample chunk (CPU)',
          ms(vad.chunk.median),
          ms(vad.chunk.p95),
          `${fmt(vad.realTimeFactor)}× real time`,
        ],
        ...features.map((f) => [
          `NeMo log-mel features (80 bins), per second of audio, ${f.seconds} s clip`,
          ms(f.perSecond.median),
          ms(f.perSecond.p95),
          '–',
        ]),
        [
          'end of speech → transcript, tiny CTC on the CPU',
          ms(latency.median),
          ms(latency.p95),
          `n = ${latency.n}, max ${ms(latency.max)}`,
        ],
      ],
    ),
    '',
    'Latency is measured from the moment the segmenter decides speech has ended (after the 600 ms silence) to the' +
      ' transcript event: queue, features, model run and CTC decode. The file is fed 4× faster than real time as' +
      ' 32 ms frames, which does not change per-utterance latency (the recognizer is far faster than the audio).',
  ].join('\n');
  return {
    name: 'speech',
    title: '(e) Speech: VAD throughput, feature cost, end-of-speech → transcript latency',
    quick,
    machine: machineInfo(),
    seconds: (performance.now() - started) / 1000,
    params: { audio: 'test/fixtures/audio/ten-utterances.wav', pace: 4 },
    data: { vad, features, latency },
    markdown,
  };
}
