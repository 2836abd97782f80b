import path from 'node:path';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { Settings } from '../../../shared/settings';
import type { ResultOf } from '../../../shared/contract';
import type { AudioSource } from '../audio/audioTypes';
import { LevelMeter, metered } from '../audio/levelMeter';
import { createPushSource, type PushSource } from '../audio/pushSource';
import { recorderSource } from '../audio/recorder';
import { SileroVad } from '../audio/sileroVad';
import { wavFileSource } from '../audio/wavFile';
import type { HistoryStore } from '../history/historyStore';
import { createTextOutput, type TextOutput } from '../output/textOutput';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import type { DictationJournal } from './dictationJournal';
import { historyEntryOf, runDictation, type Transcript } from './dictationPipeline';
import type { RecoveryResult } from './journalRecovery';
import { journaled, openJournal, recoverInterrupted } from './journaledDictation';

export type DictationSourceKind = 'push' | 'mic' | 'file';

export interface DictationServiceDeps {
  historyDir: string;
  history: HistoryStore;
  settings: () => Settings;
  run: ModelRunner;
  emit: (event: EngineEvent) => void;
  /** The speech model's id, kept with each transcript in the history. */
  model?: string;
  /** Waits between history save attempts after a failed save (default 0.5 s, 2 s, 5 s). */
  saveRetryDelaysMs?: readonly number[];
}

const SAVE_RETRY_DELAYS_MS = [500, 2000, 5000];

export type DictationState = ResultOf<'dictation.state'>;

interface Session {
  /** performance.now() when listening started: the overlay's elapsed time for a window that connects late. */
  startedAt: number;
  label: string;
  push: PushSource | null;
  journal: DictationJournal | null;
  meter: LevelMeter;
  /** stop() was called: the input has ended, the last utterances are being transcribed. */
  stopping: boolean;
  stop: () => void;
  done: Promise<number>;
}

/**
 * One dictation at a time, from the microphone, frames pushed by the UI, or a file. Transcripts
 * are emitted, typed or pasted per the settings, then kept in the history: typing comes first, so a full
 * disk never costs the user the words they just said. A delivery failure is reported and the transcript
 * stays in the history; a save failure is reported and retried, and the transcript stays shown.
 */
export class DictationService {
  private session: Session | null = null;
  private vad: SileroVad | null = null;

  constructor(
    private readonly recognizer: Recognizer,
    private readonly deps: DictationServiceDeps,
  ) {}

  get active(): boolean {
    return this.session !== null;
  }

  /** What a window that connects now must show (the `dictation` events it missed, summed up). */
  state(): DictationState {
    const s = this.session;
    if (!s) return { state: 'stopped', source: null, listeningForMs: null };
    const listeningForMs = Math.round(performance.now() - s.startedAt);
    return { state: s.stopping ? 'transcribing' : 'listening', source: s.label, listeningForMs };
  }

  async start(kind: DictationSourceKind, file?: string): Promise<{ source: string }> {
    if (this.session) throw new Error(`already dictating (${this.session.label}); stop it first`);
    if (kind === 'file' && !file) throw new Error('a file dictation needs a path');
    this.vad ??= await SileroVad.create();
    const push = kind === 'push' ? createPushSource() : null;
    const controller = new AbortController();
    const label = kind === 'file' ? path.basename(file ?? '') : kind;
    const journal = this.openJournal(label);
    const meter = new LevelMeter((level) => this.deps.emit({ type: 'input', level }));
    // Pushed frames are journaled and metered as they arrive (push()); other sources as they are read.
    const input = kind === 'mic' ? recorderSource() : wavFileSource(file ?? '', { realtime: true });
    const read = metered(journal ? journaled(input, journal) : input, meter);
    const source = stoppable(push?.source ?? read, controller.signal);
    const done = this.run(source, label, journal, meter);
    this.session = {
      startedAt: performance.now(),
      label,
      push,
      journal,
      meter,
      stopping: false,
      stop: () => (push ? push.end() : controller.abort()),
      done,
    };
    this.deps.emit({ type: 'dictation', state: 'listening', source: label, queued: 0 });
    return { source: label };
  }

  /** Frames from the UI's AudioWorklet; returns the audio buffered and not yet read, in ms. */
  push(samples: Float32Array): number {
    const push = this.session?.push;
    if (!push) throw new Error('no dictation from pushed audio is running (start one with source "push")');
    push.push(samples);
    // On disk before the segmenter reads it: an engine killed now still has this audio at its next start.
    this.session?.journal?.appendAudio(samples);
    this.session?.meter.add(samples);
    return push.bufferedMs;
  }

  /**
   * Transcribe what a dictation of an engine that died left in the journal (kept in the history, flagged
   * recovered, never typed). Runs beside new dictation with a VAD of its own; never throws.
   */
  recoverInterrupted(): Promise<RecoveryResult> {
    const settings = this.deps.settings();
    return recoverInterrupted({
      historyDir: this.deps.historyDir,
      recognizer: this.recognizer,
      run: this.deps.run,
      segmenter: {
        preRollMs: settings.speech.preRollMs,
        postRollMs: settings.speech.postRollMs,
        silenceMs: settings.speech.silenceMs,
      },
      emit: this.deps.emit,
      keep: (t, source) => this.keep(t, `${source} (recovered)`).then(() => undefined),
    });
  }

  /** Ends the input; resolves when every queued utterance has been transcribed. */
  async stop(): Promise<number> {
    const session = this.session;
    if (!session) return 0;
    if (!session.stopping) {
      session.stopping = true;
      // Said before the wait: every window shows "transcribing" while the last words are recognized.
      this.deps.emit({ type: 'dictation', state: 'transcribing', source: session.label, queued: 0 });
    }
    session.stop();
    return session.done;
  }

  async release(): Promise<void> {
    await this.stop();
    await this.vad?.release();
    this.vad = null;
  }

  private keep(t: Transcript, source: string) {
    return this.deps.history.append(historyEntryOf(t, source, this.deps.model));
  }

  /** Type or paste the transcript; a problem is said (never thrown): the history still gets it. */
  private async deliver(t: Transcript, output: TextOutput): Promise<void> {
    if (t.text === '' || output.mode === 'none') return;
    const delivered = await output.deliver(t.text);
    if (delivered.ok && delivered.mode === output.mode) return;
    this.deps.emit({
      type: 'failure',
      during: `${output.mode === 'type' ? 'typing' : 'pasting'} transcript ${t.id}`,
      message: delivered.message ?? 'the transcript could not be typed or pasted; it is in the history',
    });
  }

  /**
   * Save to the history, retrying a failed save (a full disk may be freed meanwhile). The first failure is
   * reported at once; if every attempt fails the last error is thrown, and the pipeline reports it and keeps
   * the utterance in the journal for the next start.
   */
  private async keepRetrying(t: Transcript, source: string): Promise<void> {
    const delays = this.deps.saveRetryDelaysMs ?? SAVE_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.keep(t, source);
        return;
      } catch (error) {
        const wait = delays[attempt];
        if (wait === undefined) throw error;
        if (attempt === 0) {
          this.deps.emit({
            type: 'failure',
            during: `saving transcript ${t.id} to the history`,
            message: `${error instanceof Error ? error.message : String(error)}; the transcript is still shown (typing or pasting came first); retrying ${delays.length} times`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private openJournal(label: string): DictationJournal | null {
    return openJournal(this.deps.historyDir, label, (message) =>
      this.deps.emit({ type: 'failure', during: `journaling dictation (${label})`, message }),
    );
  }

  private async run(
    source: AudioSource,
    label: string,
    journal: DictationJournal | null,
    meter: LevelMeter,
  ): Promise<number> {
    const settings = this.deps.settings();
    const output = createTextOutput(settings.speech.outputMode, {
      restoreClipboard: settings.speech.restoreClipboard,
    });
    let count = 0;
    try {
      const transcripts = await runDictation(source, {
        recognizer: this.recognizer,
        run: this.deps.run,
        vad: this.vad as SileroVad,
        historyDir: this.deps.historyDir,
        segmenter: {
          preRollMs: settings.speech.preRollMs,
          postRollMs: settings.speech.postRollMs,
          silenceMs: settings.speech.silenceMs,
          maxUtteranceMs: settings.speech.maxUtteranceMs,
        },
        emit: this.deps.emit,
        ...(journal ? { journal } : {}),
        onTranscript: async (t) => {
          await this.deliver(t, output);
          await this.keepRetrying(t, label);
        },
      });
      count = transcripts.length;
    } catch (error) {
      this.deps.emit({
        type: 'failure',
        during: `dictation (${label})`,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.session = null;
      meter.reset();
      this.deps.emit({ type: 'dictation', state: 'stopped', source: label, queued: 0 });
    }
    return count;
  }
}

/** End a source's iteration when the signal fires (the recorder child is stopped by the iterator's return). */
function stoppable(source: AudioSource, signal: AbortSignal): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const chunk of source) {
        if (signal.aborted) return;
        yield chunk;
      }
    },
  };
}
