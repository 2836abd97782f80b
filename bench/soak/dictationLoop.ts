import type { EngineClient } from '../../shared/engineClient';
import type { EngineEvent } from '../../shared/engineEvents';
import { sleep } from '../stats';
import { wordEdits, words } from './checks';

type Transcript = Extract<EngineEvent, { type: 'transcript' }>;

export interface LoopResult {
  expected: number;
  /** What dictation.stop counted. */
  counted: number;
  /** Transcript events that arrived during the loop. */
  transcripts: Transcript[];
  refWords: number;
  wordEdits: number;
  /** How far behind real time the pushes fell at worst (a starved soak process would skew the test). */
  maxPushLagMs: number;
}

const RATE = 16_000;
// 100 ms frames: the renderer's AudioWorklet sends frames of this order; the contract allows up to 1 s.
const FRAME = 1600;

/**
 * One pass of the fixture through a push dictation at real-time pace, as a microphone would give it: start,
 * push every frame on its due time, stop (which waits for the queue to drain), then compare with the labels.
 */
export async function dictateOnce(
  client: EngineClient,
  audio: Float32Array,
  labels: readonly string[],
  transcriptsSoFar: () => readonly Transcript[],
): Promise<LoopResult> {
  const before = transcriptsSoFar().length;
  await client.call('dictation.start', { source: 'push' });
  const started = performance.now();
  let maxPushLagMs = 0;
  for (let offset = 0; offset < audio.length; offset += FRAME) {
    const due = started + (offset / RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    maxPushLagMs = Math.max(maxPushLagMs, performance.now() - due);
    await client.call('audio.push', { samples: audio.slice(offset, offset + FRAME) });
  }
  const { transcripts: counted } = await client.call('dictation.stop');
  const transcripts = transcriptsSoFar().slice(before);
  const ref = labels.flatMap(words);
  const hyp = transcripts.flatMap((t) => words(t.text));
  return {
    expected: labels.length,
    counted,
    transcripts: [...transcripts],
    refWords: ref.length,
    wordEdits: wordEdits(ref, hyp),
    maxPushLagMs,
  };
}
