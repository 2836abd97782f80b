import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { AudioSource, Utterance } from '../audio/audioTypes';
import type { SegmenterOptions } from '../audio/segmenter';
import { segmentStream, type ChunkScorer } from '../audio/vadSegmenter';
import { writeWav } from '../audio/wavFile';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import { UtteranceQueue } from './utteranceQueue';

export interface Transcript {
  id: number;
  text: string;
  device: 'gpu' | 'cpu';
  ep: string;
  latencyMs: number;
  startMs: number;
  endMs: number;
  retriedOnCpu: boolean;
}

export interface DictationDeps {
  recognizer: Recognizer;
  /** ModelHost.run: the models may move between utterances. */
  run: ModelRunner;
  vad: ChunkScorer;
  segmenter?: Partial<SegmenterOptions>;
  /** The user data folder's history/ (spilled and unrecognizable audio go under it). */
  historyDir: string;
  memoryCapacity?: number;
  emit: (event: EngineEvent) => void;
  /** Called with each transcript, in order (typing, history). A failure is reported, not fatal. */
  onTranscript?: (t: Transcript) => Promise<void>;
}

/**
 * Audio → VAD → segmenter → queue → recognizer → transcripts. The producer (segmenting) and the
 * consumer (recognition) run concurrently, so audio keeps flowing while a model moves; the queue
 * spills to disk rather than drop. An utterance the recognizer cannot handle is saved as a WAV.
 */
export async function runDictation(source: AudioSource, deps: DictationDeps): Promise<Transcript[]> {
  const queue = new UtteranceQueue({
    spillDir: path.join(deps.historyDir, 'pending'),
    memoryCapacity: deps.memoryCapacity ?? 8,
  });
  const produce = async () => {
    try {
      for await (const u of segmentStream(source, deps.vad, deps.segmenter ?? {})) await queue.add(u);
    } finally {
      queue.close();
    }
  };
  const transcripts: Transcript[] = [];
  const consume = async () => {
    for (let u = await queue.next(); u !== null; u = await queue.next()) {
      const t = await recognizeOne(u, deps);
      if (t === null) continue;
      transcripts.push(t);
      deps.emit({ type: 'transcript', ...t });
      await deps.onTranscript?.(t).catch((error: unknown) => {
        deps.emit({ type: 'failure', during: 'delivering a transcript', message: messageOf(error) });
      });
    }
  };
  await Promise.all([produce(), consume()]);
  return transcripts;
}

async function recognizeOne(u: Utterance & { id: number }, deps: DictationDeps): Promise<Transcript | null> {
  try {
    const r = await deps.recognizer.recognize(u.audio, deps.run);
    return {
      id: u.id,
      text: r.text,
      device: r.device,
      ep: r.ep,
      latencyMs: performance.now() - u.endOfSpeechAt,
      startMs: u.startMs,
      endMs: u.endMs,
      retriedOnCpu: r.retriedOnCpu,
    };
  } catch (error) {
    const file = await keepAudio(u, deps.historyDir);
    deps.emit({
      type: 'failure',
      during: `recognizing utterance ${u.id}`,
      message: `${messageOf(error)}; its audio is kept in ${file}`,
    });
    return null;
  }
}

async function keepAudio(u: Utterance & { id: number }, historyDir: string): Promise<string> {
  const dir = path.join(historyDir, 'failed');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `utterance-${Date.now()}-${u.id}.wav`);
  await writeWav(file, u.audio);
  return file;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
