import type { EngineEvent } from '../../../shared/engineEvents';
import { readWav } from '../../../electron/engine/audio/wavFile';
import type { ForkedEngine } from './forkEngine';

export type TranscriptEvent = Extract<EngineEvent, { type: 'transcript' }>;

/**
 * One push dictation of a WAV file, as the renderer's AudioWorklet sends it (16 kHz frames, 1 s of silence
 * after so the segmenter closes the utterance); resolves with the first transcript it produced, or null.
 */
export async function dictateWav(engine: ForkedEngine, wav: string): Promise<TranscriptEvent | null> {
  const before = engine.events.length;
  await engine.client.call('dictation.start', { source: 'push' });
  const { audio } = await readWav(wav);
  const padded = new Float32Array(audio.length + 16_000);
  padded.set(audio);
  for (let o = 0; o < padded.length; o += 4000)
    await engine.client.call('audio.push', { samples: padded.slice(o, o + 4000) });
  await engine.client.call('dictation.stop');
  const t = engine.events.slice(before).find((e) => e.type === 'transcript');
  return t?.type === 'transcript' ? t : null;
}
