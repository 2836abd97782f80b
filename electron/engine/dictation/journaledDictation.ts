import type { EngineEvent } from '../../../shared/engineEvents';
import type { AudioSource } from '../audio/audioTypes';
import type { SegmenterOptions } from '../audio/segmenter';
import { SileroVad } from '../audio/sileroVad';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import { DictationJournal } from './dictationJournal';
import type { Transcript } from './dictationPipeline';
import { recoverJournal, type RecoveryResult } from './journalRecovery';

/**
 * The crash protection every dictation front end shares (the engine's DictationService and the CLI's
 * `dictate`): a journal per dictation, audio journaled as it is read, and at start the transcription of
 * what dictations of dead processes left behind.
 */

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A journal for this dictation, or null when none can be made (a read-only or full disk): dictation then
 * goes on without crash protection, which `report` says once, as it says a later write failure.
 */
export function openJournal(
  historyDir: string,
  label: string,
  report: (message: string) => void,
): DictationJournal | null {
  try {
    return DictationJournal.open(historyDir, label, report);
  } catch (error) {
    report(
      `the dictation journal could not be created (${messageOf(error)}): this dictation is not protected against a crash`,
    );
    return null;
  }
}

/** Each chunk goes to the journal as it is read, before the segmenter sees it. */
export function journaled(source: AudioSource, journal: DictationJournal): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of source) {
        journal.appendAudio(chunk);
        yield chunk;
      }
    },
  };
}

export interface RecoverDeps {
  historyDir: string;
  recognizer: Recognizer;
  run: ModelRunner;
  segmenter: Partial<SegmenterOptions>;
  emit: (event: EngineEvent) => void;
  /** Keeps a recovered transcript; `source` is the interrupted dictation's label. */
  keep: (t: Transcript, source: string) => Promise<void>;
}

/**
 * Transcribe what dictations of processes that died left in the journal, with a VAD of its own (it may run
 * beside a new dictation). Never throws: without a VAD the journal is kept for the next start.
 */
export async function recoverInterrupted(deps: RecoverDeps): Promise<RecoveryResult> {
  let vad: SileroVad;
  try {
    vad = await SileroVad.create();
  } catch (error) {
    deps.emit({
      type: 'failure',
      during: 'recovering interrupted dictations',
      message: `the VAD could not be loaded (${messageOf(error)}); the journal is kept for the next start`,
    });
    return { recovered: 0, failed: 0, sessions: 0 };
  }
  try {
    return await recoverJournal({ ...deps, vad });
  } finally {
    await vad.release();
  }
}
