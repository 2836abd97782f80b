import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { AudioSource, Utterance } from '../audio/audioTypes';
import type { SegmenterOptions } from '../audio/segmenter';
import { segmentStream, type ChunkScorer } from '../audio/vadSegmenter';
import { writeWav } from '../audio/wavFile';
import type { NewHistoryEntry } from '../history/historyStore';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import { utteranceKey, type DictationJournal } from './dictationJournal';
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
  /** Transcribed after an engine restart from the journal of a dictation that died. */
  recovered?: boolean;
}

/** How a transcript is kept in the history; `source` names the dictation (a file, "mic", "push"). */
export function historyEntryOf(t: Transcript, source: string, model?: string): NewHistoryEntry {
  return {
    ...(model === undefined ? {} : { model }),
    text: t.text,
    device: t.device,
    ep: t.ep,
    latencyMs: t.latencyMs,
    durationMs: t.endMs - t.startMs,
    source,
  };
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
  /**
   * Called with each transcript, in order; resolves once the transcript is kept (history). A rejection
   * is reported, not fatal, and the utterance stays in the journal for the next start.
   */
  onTranscript?: (t: Transcript) => Promise<void>;
  /** Write-ahead journal: each utterance is on disk from segmentation until its transcript is kept. */
  journal?: DictationJournal;
}

/**
 * Audio → VAD → segmenter → queue → recognizer → transcripts. The producer (segmenting) and the
 * consumer (recognition) run concurrently, so audio keeps flowing while a model moves; the queue
 * spills to disk rather than drop. An utterance the recognizer cannot handle is saved as a WAV. With a
 * journal, an utterance is on disk from the moment it is segmented until its transcript is kept, so an
 * engine that dies meanwhile loses nothing (journalRecovery picks it up at the next start).
 */
export async function runDictation(source: AudioSource, deps: DictationDeps): Promise<Transcript[]> {
  const queue = new UtteranceQueue({
    spillDir: deps.journal?.spillDir ?? path.join(deps.historyDir, 'pending'),
    memoryCapacity: deps.memoryCapacity ?? 8,
  });
  const produce = async () => {
    try {
      for await (const u of segmentStream(source, deps.vad, deps.segmenter ?? {})) {
        deps.journal?.recordUtterance(u);
        await queue.add(u);
      }
    } finally {
      queue.close();
    }
  };
  const transcripts: Transcript[] = [];
  let unsettled = 0;
  const consume = async () => {
    for (let u = await queue.next(); u !== null; u = await queue.next()) {
      const t = await recognizeOne(u, deps);
      if (t !== null) {
        transcripts.push(t);
        deps.emit({ type: 'transcript', ...t });
        if (!(await keep(t, deps))) {
          unsettled++;
          continue;
        }
      }
      deps.journal?.settle(utteranceKey(u));
    }
  };
  // Both sides finish before the journal closes: the consumer drains the queue even after a source error.
  const [produced, consumed] = await Promise.allSettled([produce(), consume()]);
  // A source that failed may have left speech the segmenter never finished: the live audio stays too.
  const cutShort = produced.status === 'rejected' && deps.journal?.holdsUnsegmentedAudio === true;
  deps.journal?.close({ keep: unsettled > 0 || cutShort });
  for (const r of [produced, consumed]) if (r.status === 'rejected') throw r.reason;
  return transcripts;
}

/** Hand the transcript on; false when it could not be kept (its utterance then stays in the journal). */
async function keep(t: Transcript, deps: DictationDeps): Promise<boolean> {
  try {
    await deps.onTranscript?.(t);
    return true;
  } catch (error) {
    const kept = deps.journal
      ? `; its audio stays in ${deps.journal.dir} and is transcribed again at the next start`
      : '';
    deps.emit({
      type: 'failure',
      during: `keeping transcript ${t.id}`,
      message: `${messageOf(error)}${kept}`,
    });
    return false;
  }
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
