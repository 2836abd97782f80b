/**
 * Turns per-chunk speech probabilities into utterances. Pure logic (no ORT), so it is tested with
 * synthetic probability sequences. Positions are counted in samples of the stream (16 kHz) and reported
 * in ms.
 *
 * - Speech starts at a chunk with p ≥ threshold. The VAD is often late on soft or unusual onsets: on one
 *   espeak-ng voice it scored the first 250 ms of a loud "evening" 0.1–0.4. So the onset is moved back over
 *   the chunks just before the trigger that scored ≥ lookBackThreshold (silence scores 0.00–0.01), at most
 *   `maxLookBackMs`, and the utterance begins `preRollMs` before that onset (never before the stream's
 *   start nor before the previous utterance's end), so first words are not clipped.
 * - Hysteresis: while in speech, a chunk with p ≥ negThreshold (default threshold − 0.15) counts as voiced;
 *   speech ends once `silenceMs` of consecutive chunks scored below negThreshold. The utterance then ends
 *   `postRollMs` after the last voiced chunk.
 * - Fewer than `minSpeechMs` of chunks at p ≥ threshold: a click or a breath; dropped.
 * - At `maxUtteranceMs` the utterance is cut (split: true) in the middle of a pause: the longest in its last
 *   `splitSearchMs`, else the latest before that; only speech with no pause at all is cut at the least
 *   speech-like chunk. The rest continues as the next utterance: the pieces tile the audio without gaps,
 *   and a cut in a pause rather than mid-word keeps recognition accurate.
 * - flush() at the end of the stream emits the utterance in progress.
 */

import { SAMPLE_RATE, type Utterance } from './audioTypes';

export interface SegmenterOptions {
  /** p ≥ threshold starts speech. */
  threshold: number;
  /** p < negThreshold counts as silence while in speech (default threshold − 0.15, at least 0.01). */
  negThreshold: number;
  /** Silence that ends an utterance. */
  silenceMs: number;
  /** Audio kept before the chunk that started speech (≥ 200 ms so first words are never clipped; default 400). */
  preRollMs: number;
  /** Audio kept after the last voiced chunk (≤ silenceMs; default 200), so a word's fading end is kept. */
  postRollMs: number;
  /** Longest utterance; longer speech is split. */
  maxUtteranceMs: number;
  /**
   * Where the longest pause is looked for, back from maxUtteranceMs (default maxUtteranceMs / 2). Without a
   * pause there, the cut goes in the latest pause before it; only speech without any pause is cut at the
   * window's least speech-like chunk.
   */
  splitSearchMs: number;
  /** Chunks right before the trigger scoring at least this are taken as the speech's real onset. */
  lookBackThreshold: number;
  /** How far back the onset may move (0: off). */
  maxLookBackMs: number;
  /** Less speech than this (chunks at p ≥ threshold) is dropped. */
  minSpeechMs: number;
  /** Wall clock for endOfSpeechAt (performance.now() by default; tests pass a fake). */
  now: () => number;
}

export const MIN_PRE_ROLL_MS = 200;

export function defaultSegmenterOptions(): SegmenterOptions {
  return {
    threshold: 0.5,
    negThreshold: 0.35,
    silenceMs: 600,
    // 400 rather than 300: on espeak-ng speech the VAD fired up to 115 ms after a /st/ onset ("Start the…")
    // with nothing to look back over (p 0.02–0.03), which left only 185 ms before the first sound with 300.
    preRollMs: 400,
    // 200 rather than 100: a word's decaying end (a final /t/ burst after its closure, a fading fricative) scores
    // below negThreshold, and on espeak-ng's en-gb-x-rp "It is perfect" 100 ms ended the utterance 9 ms early.
    postRollMs: 200,
    maxUtteranceMs: 30_000,
    // Half the maximum: with only the last 5 s searched, a reading whose last pause was 5.5 s back was cut
    // inside a word.
    splitSearchMs: 15_000,
    lookBackThreshold: 0.1,
    maxLookBackMs: 700,
    minSpeechMs: 150,
    now: () => performance.now(),
  };
}

/** Fills defaults and checks every option; errors say which option and why. */
export function resolveSegmenterOptions(partial: Partial<SegmenterOptions> = {}): SegmenterOptions {
  const d = defaultSegmenterOptions();
  const threshold = partial.threshold ?? d.threshold;
  const o: SegmenterOptions = {
    ...d,
    ...stripUndefined(partial),
    threshold,
    negThreshold: partial.negThreshold ?? Math.max(threshold - 0.15, 0.01),
  };
  // A short end-of-speech silence caps the default post-roll (it cannot outlast the silence that ends it).
  if (partial.postRollMs === undefined) o.postRollMs = Math.min(d.postRollMs, o.silenceMs);
  // The search window follows a shorter maximum unless set explicitly.
  if (partial.splitSearchMs === undefined) o.splitSearchMs = o.maxUtteranceMs / 2;
  const bad = (name: keyof SegmenterOptions, why: string): never => {
    throw new RangeError(`segmenter option ${name} ${why}, got ${String(o[name])}`);
  };
  const finite = (name: keyof SegmenterOptions): void => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) bad(name, 'must be a finite number');
  };
  for (const name of [
    'threshold',
    'negThreshold',
    'silenceMs',
    'preRollMs',
    'postRollMs',
    'maxUtteranceMs',
    'splitSearchMs',
    'lookBackThreshold',
    'maxLookBackMs',
    'minSpeechMs',
  ] as const) {
    finite(name);
  }
  if (!(o.threshold > 0 && o.threshold <= 1)) bad('threshold', 'must be in (0, 1]');
  if (!(o.negThreshold > 0 && o.negThreshold < o.threshold)) bad('negThreshold', 'must be in (0, threshold)');
  if (!(o.silenceMs > 0)) bad('silenceMs', 'must be > 0');
  if (o.preRollMs < MIN_PRE_ROLL_MS) {
    bad(
      'preRollMs',
      `must be ≥ ${MIN_PRE_ROLL_MS} (less clips the first word: the VAD fires late on soft onsets)`,
    );
  }
  if (!(o.postRollMs >= 0 && o.postRollMs <= o.silenceMs)) bad('postRollMs', 'must be in [0, silenceMs]');
  if (!(o.maxUtteranceMs >= 1000)) bad('maxUtteranceMs', 'must be ≥ 1000');
  if (!(o.splitSearchMs >= 0 && o.splitSearchMs <= o.maxUtteranceMs / 2)) {
    bad('splitSearchMs', 'must be in [0, maxUtteranceMs / 2]');
  }
  if (!(o.lookBackThreshold > 0 && o.lookBackThreshold <= o.threshold)) {
    bad('lookBackThreshold', 'must be in (0, threshold]');
  }
  if (!(o.maxLookBackMs >= 0 && o.maxLookBackMs <= 5000)) bad('maxLookBackMs', 'must be in [0, 5000]');
  if (!(o.minSpeechMs >= 0 && o.minSpeechMs < o.maxUtteranceMs))
    bad('minSpeechMs', 'must be in [0, maxUtteranceMs)');
  if (typeof o.now !== 'function') throw new TypeError('segmenter option now must be a function');
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const msToSamples = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000);
const samplesToMs = (samples: number): number => (samples * 1000) / SAMPLE_RATE;

/** A run of quiet chunks inside an utterance, in samples; `middle` is where a split would cut. */
interface Pause {
  start: number;
  end: number;
  minP: number;
  middle: number;
}

/** Longer first, then quieter, then later (the later keeps the first piece longer). */
function betterPause(a: Pause, b: Pause): boolean {
  const lengthA = a.end - a.start;
  const lengthB = b.end - b.start;
  if (lengthA !== lengthB) return lengthA > lengthB;
  if (a.minP !== b.minP) return a.minP < b.minP;
  return a.middle > b.middle;
}

/** One fed chunk of the utterance in progress. */
interface Piece {
  start: number;
  audio: Float32Array;
  p: number;
}

export class Segmenter {
  readonly options: SegmenterOptions;
  private readonly preRoll: number;
  private readonly maxLookBack: number;
  private readonly postRoll: number;
  private readonly silence: number;
  private readonly maxLength: number;
  private readonly splitSearch: number;
  private readonly minSpeech: number;

  /** Stream position: samples fed so far. */
  private position = 0;
  /** Where the last emitted or dropped utterance ended: pre-roll never reaches back past it. */
  private lastEnd = 0;
  /** Recent audio while idle (for the look-back and pre-roll), oldest first, trimmed to what they can use. */
  private history: Piece[] = [];

  private inSpeech = false;
  /** The utterance in progress: its first sample and its chunks (pre-roll pieces included). */
  private start = 0;
  private pieces: Piece[] = [];
  private speechSamples = 0;
  /** End of the last chunk with p ≥ negThreshold (−1: none yet in this piece). */
  private lastVoicedEnd = -1;
  /** Start of the current run of silent chunks (−1: not in one). */
  private silenceStart = -1;
  /** This utterance continues one cut at the maximum length (its speech was already accepted). */
  private continuation = false;

  constructor(options: Partial<SegmenterOptions> = {}) {
    this.options = resolveSegmenterOptions(options);
    const o = this.options;
    this.preRoll = msToSamples(o.preRollMs);
    this.maxLookBack = msToSamples(o.maxLookBackMs);
    this.postRoll = msToSamples(o.postRollMs);
    this.silence = msToSamples(o.silenceMs);
    this.maxLength = msToSamples(o.maxUtteranceMs);
    this.splitSearch = msToSamples(o.splitSearchMs);
    this.minSpeech = msToSamples(o.minSpeechMs);
  }

  /** Stream position in ms (audio fed so far). */
  get positionMs(): number {
    return samplesToMs(this.position);
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  /**
   * Feeds the VAD probability of the next chunk and the chunk's audio (any non-zero length; 512 samples
   * from the VAD). Returns the utterances this chunk completed (usually none). The segmenter keeps a
   * reference to `audio`: do not reuse the buffer.
   */
  push(p: number, audio: Float32Array): Utterance[] {
    if (!Number.isFinite(p) || p < 0 || p > 1)
      throw new RangeError(`Segmenter: probability must be in [0, 1], got ${p}`);
    if (audio.length === 0) return [];
    const piece: Piece = { start: this.position, audio, p };
    this.position += audio.length;
    const out: Utterance[] = [];
    const o = this.options;

    if (!this.inSpeech) {
      if (p >= o.threshold) {
        this.begin(piece);
      } else {
        this.remember(piece);
      }
    } else {
      this.pieces.push(piece);
      this.track(piece);
      if (this.silenceStart >= 0 && this.position - this.silenceStart >= this.silence) {
        const u = this.finish();
        if (u) out.push(u);
      }
    }

    while (this.inSpeech && this.position - this.start >= this.maxLength) {
      out.push(this.split());
    }
    return out;
  }

  /** End of stream: emits the utterance in progress (if it holds enough speech) and goes idle. */
  flush(): Utterance[] {
    if (!this.inSpeech) return [];
    const u = this.finish();
    return u ? [u] : [];
  }

  /** Forgets everything, including the stream position (a new stream starts at 0 ms). */
  reset(): void {
    this.position = 0;
    this.lastEnd = 0;
    this.history = [];
    this.clearUtterance();
  }

  private clearUtterance(): void {
    this.inSpeech = false;
    this.pieces = [];
    this.speechSamples = 0;
    this.lastVoicedEnd = -1;
    this.silenceStart = -1;
    this.continuation = false;
  }

  private remember(piece: Piece): void {
    this.history.push(piece);
    let kept = 0;
    let i = this.history.length;
    while (i > 0 && kept < this.preRoll + this.maxLookBack) kept += this.history[--i]?.audio.length ?? 0;
    if (i > 0) this.history = this.history.slice(i);
  }

  private begin(piece: Piece): void {
    this.inSpeech = true;
    this.continuation = false;
    let onset = piece.start;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const h = this.history[i];
      if (!h || h.p < this.options.lookBackThreshold || piece.start - h.start > this.maxLookBack) break;
      onset = h.start;
    }
    this.start = Math.max(onset - this.preRoll, this.lastEnd, 0);
    this.pieces = this.history.filter((h) => h.start + h.audio.length > this.start);
    this.history = [];
    this.pieces.push(piece);
    this.track(piece);
  }

  /** Updates speech, voiced and silence bookkeeping with a chunk of the utterance in progress. */
  private track(piece: Piece): void {
    const o = this.options;
    const end = piece.start + piece.audio.length;
    if (piece.p >= o.threshold) this.speechSamples += piece.audio.length;
    if (piece.p >= o.negThreshold) {
      this.lastVoicedEnd = end;
      this.silenceStart = -1;
    } else if (this.silenceStart < 0) {
      this.silenceStart = piece.start;
    }
  }

  /** Ends the utterance in progress at the silence (or the stream's end); null when it is dropped. */
  private finish(): Utterance | null {
    const voiced = this.lastVoicedEnd >= 0;
    const accepted = this.continuation ? voiced : this.speechSamples >= this.minSpeech && voiced;
    const end = voiced ? Math.min(this.lastVoicedEnd + this.postRoll, this.position) : this.position;
    const u = accepted ? this.emit(this.start, end, false) : null;
    // Audio after the end (the silence) becomes the next utterance's pre-roll candidate; all of a dropped
    // one's audio does.
    this.lastEnd = accepted ? end : this.lastEnd;
    const rest = accepted ? this.pieces.filter((pc) => pc.start + pc.audio.length > end) : this.pieces;
    this.clearUtterance();
    this.history = [];
    for (const pc of rest) this.remember(pc);
    return u;
  }

  /**
   * Cuts the utterance at its maximum length: in a pause when it has one, else at the least speech-like
   * chunk of the search window (continuous speech leaves no better place).
   */
  private split(): Utterance {
    const limit = this.start + this.maxLength;
    const cut = this.pauseCut(limit) ?? this.quietestChunkCut(limit);
    const u = this.emit(this.start, cut, true);
    this.lastEnd = cut;

    const rest = this.pieces.filter((pc) => pc.start + pc.audio.length > cut);
    this.pieces = rest;
    this.start = cut;
    this.continuation = true;
    // Re-derive the bookkeeping for the remainder (the cut may fall inside the last chunk). A silence run
    // that began before the cut goes on counting from where it began, so the end is not detected late.
    const silenceBefore = this.silenceStart;
    this.speechSamples = 0;
    this.lastVoicedEnd = -1;
    this.silenceStart = -1;
    for (const pc of rest) this.track(pc);
    if (silenceBefore >= 0 && silenceBefore < cut && this.lastVoicedEnd < 0)
      this.silenceStart = silenceBefore;
    return u;
  }

  /**
   * The middle of a pause (a run of chunks below negThreshold after the first voiced chunk), or null when
   * the utterance has none before `limit`. The middle, not the quietest chunk's edge: the VAD scores a
   * word's onset late, so the last "silent" chunk before a word may already hold its first 20–30 ms.
   * Within the search window the longest pause wins (a surer word boundary than a lower score: Silero
   * scores all silence 0.00–0.02), then the quietest, then the latest; outside it, the latest pause.
   */
  private pauseCut(limit: number): number | null {
    const pauses = this.pausesBefore(limit);
    const inWindow = pauses.filter((q) => q.middle >= limit - this.splitSearch);
    const best = inWindow.reduce<Pause | null>((a, b) => (a === null || betterPause(b, a) ? b : a), null);
    return (best ?? pauses.at(-1))?.middle ?? null;
  }

  private pausesBefore(limit: number): Pause[] {
    const pauses: Pause[] = [];
    let voiced = false;
    let run: Pause | null = null;
    for (const pc of this.pieces) {
      const end = Math.min(pc.start + pc.audio.length, limit);
      if (end <= pc.start) break;
      if (pc.p >= this.options.negThreshold) {
        voiced = true;
        run = null;
      } else if (voiced && run === null) {
        run = { start: Math.max(pc.start, this.start), end, minP: pc.p, middle: 0 };
        pauses.push(run);
      } else if (run !== null) {
        run.end = end;
        run.minP = Math.min(run.minP, pc.p);
      }
    }
    for (const q of pauses) q.middle = Math.round((q.start + q.end) / 2);
    return pauses.filter((q) => q.middle > this.start);
  }

  /** Continuous speech: the end of the least speech-like chunk in the window (the latest on ties). */
  private quietestChunkCut(limit: number): number {
    let cut = -1;
    let best = Infinity;
    for (const pc of this.pieces) {
      const end = pc.start + pc.audio.length;
      if (end > limit || end < limit - this.splitSearch || end <= this.start) continue;
      if (pc.p <= best) {
        best = pc.p;
        cut = end;
      }
    }
    // A chunk longer than the search window (not from the VAD): cut at the limit itself.
    return cut < 0 ? limit : cut;
  }

  private emit(start: number, end: number, split: boolean): Utterance {
    const audio = new Float32Array(end - start);
    for (const pc of this.pieces) {
      const from = Math.max(start, pc.start);
      const to = Math.min(end, pc.start + pc.audio.length);
      if (to > from) audio.set(pc.audio.subarray(from - pc.start, to - pc.start), from - start);
    }
    return {
      startMs: samplesToMs(start),
      endMs: samplesToMs(end),
      audio,
      endOfSpeechAt: this.options.now(),
      split,
    };
  }
}
