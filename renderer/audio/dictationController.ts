import type { EngineApi } from '../engine/engineApi';
import { errorMessage } from '../engine/withTimeout';
import type { AppStore } from '../store/appStore';
import { FrameBatcher } from './frameBatcher';
import { inputLevel } from '../../shared/inputLevel';
import { startMicCapture, type MicCapture } from './micCapture';
import { describeMicError } from './micErrors';

/** Batches captured before the engine confirmed the start (~2 s): the first words are not lost. */
const MAX_BACKLOG = 16;
/** A smaller change of the input level is not shown: the meter's renders stay few while the room is quiet. */
const LEVEL_STEP = 0.03;

/**
 * The Dictate button's logic: microphone first (so a denied permission is said before anything starts),
 * then `dictation.start {source: 'push'}`, then `audio.push` per batch until Stop, then `dictation.stop`.
 */
export class DictationController {
  private capture: MicCapture | null = null;
  private batcher: FrameBatcher | null = null;
  private backlog: Float32Array<ArrayBuffer>[] | null = null;
  private pushFailed = false;
  /** A release in progress: a second caller (Stop after the engine's `transcribing`) waits for its flush. */
  private releasing: Promise<void> | null = null;

  constructor(
    private readonly store: AppStore,
    private readonly api: EngineApi,
  ) {
    // Dictation can also end elsewhere (tray menu, hotkey, the overlay's Esc, engine): stop feeding the
    // microphone then. The engine says `transcribing` first (phase stopping), then stopped (idle).
    store.subscribe((s, prev) => {
      const ended = s.dictation.phase === 'idle' || s.dictation.phase === 'stopping';
      if (this.capture && prev.dictation.phase === 'listening' && ended) void this.releaseMic();
    });
  }

  toggle(): Promise<void> {
    const phase = this.store.getState().dictation.phase;
    if (phase === 'listening') return this.stop();
    if (phase === 'idle') return this.start();
    return Promise.resolve(); // starting or stopping: one press at a time
  }

  /** The engine went away mid-dictation: its dictation is gone, so release the microphone and say why. */
  abort(reason: string): void {
    const s = this.store.getState();
    if (this.capture) void this.releaseMic();
    if (s.dictation.phase !== 'idle') {
      s.setDictation({
        phase: 'idle',
        source: null,
        capturing: false,
        message: `Dictation stopped: ${reason}`,
      });
    }
  }

  private async start(): Promise<void> {
    const set = this.store.getState().setDictation;
    set({ phase: 'starting', message: null });
    this.pushFailed = false;
    this.backlog = [];
    const batcher = new FrameBatcher((batch) => this.send(batch));
    let capture: MicCapture;
    try {
      capture = await startMicCapture((frame) => batcher.add(frame));
    } catch (error) {
      this.backlog = null;
      set({ phase: 'idle', capturing: false, message: describeMicError(error) });
      return;
    }
    this.capture = capture;
    this.batcher = batcher;
    try {
      await this.api.call('dictation.start', { source: 'push' });
    } catch (error) {
      await this.releaseMic();
      set({ phase: 'idle', capturing: false, message: `Dictation could not start: ${errorMessage(error)}` });
      return;
    }
    const backlog = this.backlog;
    this.backlog = null;
    for (const batch of backlog) this.send(batch);
    // The engine's `dictation` event may already have said listening; this covers an engine that did not.
    set({ phase: 'listening', source: 'push', capturing: true });
  }

  private async stop(): Promise<void> {
    const set = this.store.getState().setDictation;
    set({ phase: 'stopping' });
    // Stop the microphone and send the remainder first: the port keeps order, so the engine has every
    // sample before it is told to stop.
    await this.releaseMic();
    try {
      await this.api.call('dictation.stop');
      set({ phase: 'idle', source: null, capturing: false });
    } catch (error) {
      set({
        phase: 'idle',
        source: null,
        capturing: false,
        message: `Stopping failed: ${errorMessage(error)}`,
      });
    }
  }

  private releaseMic(): Promise<void> {
    this.releasing ??= this.release().finally(() => (this.releasing = null));
    return this.releasing;
  }

  private async release(): Promise<void> {
    const capture = this.capture;
    const batcher = this.batcher;
    this.capture = null;
    this.batcher = null;
    if (capture) await capture.stop().catch(() => undefined);
    batcher?.flush();
    this.store.getState().setDictation({ capturing: false, inputLevel: 0 });
  }

  private send(batch: Float32Array<ArrayBuffer>): void {
    this.showLevel(batch);
    if (this.backlog) {
      if (this.backlog.length < MAX_BACKLOG) this.backlog.push(batch);
      return;
    }
    this.api.call('audio.push', { samples: batch }).catch((error: unknown) => {
      // Say it once per dictation: a failing push fails for every batch after it. A dictation stopped elsewhere
      // (Esc, the tray, the hotkey) refuses the last frames in flight: expected, not worth an error.
      if (this.pushFailed || this.store.getState().dictation.phase !== 'listening') return;
      this.pushFailed = true;
      this.store.getState().logNote('error', `Audio could not be sent: ${errorMessage(error)}`, Date.now());
    });
  }

  /** The Dictate button's live meter, one reading per batch (~8 a second). */
  private showLevel(batch: Float32Array): void {
    const s = this.store.getState();
    const level = inputLevel(batch);
    if (Math.abs(level - s.dictation.inputLevel) >= LEVEL_STEP) s.setDictation({ inputLevel: level });
  }
}
