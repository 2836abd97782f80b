import path from 'node:path';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { Settings } from '../../../shared/settings';
import type { AudioSource } from '../audio/audioTypes';
import { createPushSource, type PushSource } from '../audio/pushSource';
import { recorderSource } from '../audio/recorder';
import { SileroVad } from '../audio/sileroVad';
import { wavFileSource } from '../audio/wavFile';
import type { HistoryStore } from '../history/historyStore';
import { createTextOutput } from '../output/textOutput';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import { runDictation } from './dictationPipeline';

export type DictationSourceKind = 'push' | 'mic' | 'file';

export interface DictationServiceDeps {
  historyDir: string;
  history: HistoryStore;
  settings: () => Settings;
  run: ModelRunner;
  emit: (event: EngineEvent) => void;
}

interface Session {
  label: string;
  push: PushSource | null;
  stop: () => void;
  done: Promise<number>;
}

/**
 * One dictation at a time, from the microphone, frames pushed by the UI, or a file. Transcripts
 * are emitted, kept in the history and typed or pasted per the settings; a delivery failure is
 * reported and the transcript stays in the history.
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

  async start(kind: DictationSourceKind, file?: string): Promise<{ source: string }> {
    if (this.session) throw new Error(`already dictating (${this.session.label}); stop it first`);
    if (kind === 'file' && !file) throw new Error('a file dictation needs a path');
    this.vad ??= await SileroVad.create();
    const push = kind === 'push' ? createPushSource() : null;
    const controller = new AbortController();
    const source = stoppable(
      push?.source ?? (kind === 'mic' ? recorderSource() : wavFileSource(file ?? '', { realtime: true })),
      controller.signal,
    );
    const label = kind === 'file' ? path.basename(file ?? '') : kind;
    const done = this.run(source, label);
    this.session = { label, push, stop: () => (push ? push.end() : controller.abort()), done };
    this.deps.emit({ type: 'dictation', state: 'listening', source: label, queued: 0 });
    return { source: label };
  }

  /** Frames from the UI's AudioWorklet; returns the audio buffered and not yet read, in ms. */
  push(samples: Float32Array): number {
    const push = this.session?.push;
    if (!push) throw new Error('no dictation from pushed audio is running (start one with source "push")');
    push.push(samples);
    return push.bufferedMs;
  }

  /** Ends the input; resolves when every queued utterance has been transcribed. */
  async stop(): Promise<number> {
    const session = this.session;
    if (!session) return 0;
    session.stop();
    return session.done;
  }

  async release(): Promise<void> {
    await this.stop();
    await this.vad?.release();
    this.vad = null;
  }

  private async run(source: AudioSource, label: string): Promise<number> {
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
          silenceMs: settings.speech.silenceMs,
          maxUtteranceMs: settings.speech.maxUtteranceMs,
        },
        emit: this.deps.emit,
        onTranscript: async (t) => {
          await this.deps.history.append({
            text: t.text,
            device: t.device,
            ep: t.ep,
            latencyMs: t.latencyMs,
            durationMs: t.endMs - t.startMs,
            source: label,
          });
          if (t.text === '' || output.mode === 'none') return;
          const delivered = await output.deliver(t.text);
          if (!delivered.ok)
            throw new Error(delivered.message ?? 'the transcript could not be typed or pasted');
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
