import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineEvent } from '../../../shared/engineEvents';
import { SAMPLE_RATE } from '../audio/audioTypes';
import { memorySource } from '../audio/memorySource';
import type { SegmenterOptions } from '../audio/segmenter';
import { segmentStream, type ChunkScorer } from '../audio/vadSegmenter';
import { writeWav } from '../audio/wavFile';
import { readFileSafely, readTextFileSafely } from '../runtime/safeFile';
import type { ModelRunner, Recognizer } from '../stt/recognizer';
import type { Transcript } from './dictationPipeline';
import {
  journalRoot,
  parseLiveName,
  SESSION_FILE,
  utteranceFiles,
  type JournaledUtterance,
} from './dictationJournal';

export interface RecoveryDeps {
  historyDir: string;
  recognizer: Recognizer;
  run: ModelRunner;
  /** A VAD of its own: recovery may run while a new dictation uses the service's. */
  vad: ChunkScorer;
  segmenter?: Partial<SegmenterOptions>;
  emit: (event: EngineEvent) => void;
  /** Keeps a recovered transcript (the history); rejects when it cannot. */
  keep: (t: Transcript, source: string) => Promise<void>;
  /** Is this process alive? (default: signal 0) */
  isAlive?: (pid: number) => boolean;
}

export interface RecoveryResult {
  recovered: number;
  failed: number;
  sessions: number;
}

/** Audio that was journaled and is now being recovered, with what to call it in messages. */
interface Pending {
  label: string;
  audio: Float32Array | null;
  /** Why the audio cannot be used (unreadable, already tried), or null. */
  problem: string | null;
  /** The journal file to keep when the audio could not even be decoded. */
  rawFile: string;
}

let claimCounter = 0;
/** Written before the unsegmented tail is transcribed, like an utterance's attempt count. */
const LIVE_ATTEMPTED = 'live.attempted';
const seconds = (samples: number): string => (samples / SAMPLE_RATE).toFixed(2);
/**
 * The journal is ours, but anything in the data folder may have been swapped for a FIFO (a read never
 * returns and holds a libuv thread), a link or a device: every read is bounded and refuses those.
 */
const META_MAX_BYTES = 64 * 1024;
/** About 2 h 20 min of 16 kHz Float32: more than one dictation's unsegmented tail or one utterance. */
const AUDIO_MAX_BYTES = 512 * 1024 * 1024;
const readJson = async (file: string): Promise<unknown> =>
  JSON.parse(await readTextFileSafely(file, { maxBytes: META_MAX_BYTES }));

/**
 * Transcribe what dictation sessions of dead engine processes left in the journal: utterances that were
 * queued but not yet in the history, then the speech that had not been segmented yet. Each becomes a
 * transcript flagged `recovered` (kept in the history, not typed: the window that had the focus then is
 * long gone); one that cannot be transcribed is reported with its audio kept in history/failed. Never
 * throws.
 */
export async function recoverJournal(deps: RecoveryDeps): Promise<RecoveryResult> {
  const result: RecoveryResult = { recovered: 0, failed: 0, sessions: 0 };
  for (const dir of await deadSessions(deps)) {
    const claimed = await claim(dir);
    if (!claimed) continue;
    result.sessions++;
    try {
      await recoverSession(claimed, deps, result);
    } catch (error) {
      result.failed++;
      deps.emit({
        type: 'failure',
        during: 'recovering an interrupted dictation',
        message: `${messageOf(error)}; its files stay in ${claimed}`,
      });
      continue;
    }
    await rm(claimed, { recursive: true, force: true });
  }
  return result;
}

async function deadSessions(deps: RecoveryDeps): Promise<string[]> {
  const root = journalRoot(deps.historyDir);
  let names: string[];
  try {
    // Sessions are folders this app made: a link or a FIFO under their names is not followed.
    names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return []; // no journal yet
  }
  const alive = deps.isAlive ?? isAlive;
  return names
    .filter((name) => {
      const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? NaN);
      return Number.isInteger(pid) && pid !== process.pid && !alive(pid);
    })
    .sort()
    .map((name) => path.join(root, name));
}

/**
 * Move the session under this process's pid, atomically: of two engines starting at once only one gets
 * it, and if this one dies while recovering, the next start sees a dead pid again.
 */
async function claim(dir: string): Promise<string | null> {
  const target = path.join(path.dirname(dir), `${process.pid}-${Date.now()}-recover${claimCounter++}`);
  try {
    await rename(dir, target);
    return target;
  } catch {
    return null; // another engine took it first
  }
}

async function recoverSession(dir: string, deps: RecoveryDeps, result: RecoveryResult): Promise<void> {
  const source = await sessionSource(dir);
  const names = (await readdir(dir)).sort();
  for (const name of names.filter((n) => /^utterance-\d+\.json$/.test(n))) {
    const pending = await loadUtterance(dir, name);
    await settleOne(pending, source, deps, result);
  }
  const live = await loadLive(dir, names);
  if (!live) return;
  const marker = path.join(dir, LIVE_ATTEMPTED);
  if (names.includes(LIVE_ATTEMPTED)) {
    live.problem = 'transcribing it after a restart was tried once already and did not finish';
  } else await writeFile(marker, '');
  await recoverLive(live, source, deps, result);
}

async function sessionSource(dir: string): Promise<string> {
  try {
    const parsed = (await readJson(path.join(dir, SESSION_FILE))) as { source?: unknown };
    return typeof parsed.source === 'string' ? parsed.source : 'unknown source';
  } catch {
    return 'unknown source';
  }
}

async function loadUtterance(dir: string, metaName: string): Promise<Pending> {
  const key = /^utterance-(\d+)\.json$/.exec(metaName)?.[1] ?? '';
  const files = utteranceFiles(dir, key);
  const label = `utterance at ${seconds(Number(key))} s`;
  let meta: JournaledUtterance;
  try {
    meta = (await readJson(files.meta)) as JournaledUtterance;
  } catch (error) {
    return {
      label,
      audio: null,
      problem: `its journal entry is unreadable (${messageOf(error)})`,
      rawFile: files.audio,
    };
  }
  if (meta.attempts >= 1) {
    return {
      label,
      audio: await readFloat32(files.audio).catch(() => null),
      problem: 'transcribing it after a restart was tried once already and did not finish',
      rawFile: files.audio,
    };
  }
  // Counted before trying: input that crashes the engine is not tried again at every start.
  await writeFile(files.meta, `${JSON.stringify({ ...meta, attempts: meta.attempts + 1 })}\n`);
  try {
    return { label, audio: await readFloat32(files.audio), problem: null, rawFile: files.audio };
  } catch (error) {
    return {
      label,
      audio: null,
      problem: `its audio is unreadable (${messageOf(error)})`,
      rawFile: files.audio,
    };
  }
}

/** The newest live file: a cut that died before removing the older one leaves both, and the older one's head is already an utterance. */
async function loadLive(dir: string, names: string[]): Promise<Pending | null> {
  const bases = names.map(parseLiveName).filter((b): b is number => b !== null);
  if (bases.length === 0) return null;
  const base = Math.max(...bases);
  const file = path.join(dir, `live-${base}.f32`);
  const label = `speech from ${seconds(base)} s that was not yet segmented`;
  try {
    return { label, audio: await readFloat32(file), problem: null, rawFile: file };
  } catch (error) {
    return { label, audio: null, problem: `its audio is unreadable (${messageOf(error)})`, rawFile: file };
  }
}

/** The unsegmented tail goes through the VAD like live audio: silence yields nothing. */
async function recoverLive(live: Pending, source: string, deps: RecoveryDeps, result: RecoveryResult) {
  if (!live.audio || live.problem) return settleOne(live, source, deps, result);
  for await (const u of segmentStream(memorySource(live.audio), deps.vad, deps.segmenter ?? {})) {
    await settleOne(
      { ...live, label: `${live.label} (${(u.startMs / 1000).toFixed(2)} s in)`, audio: u.audio },
      source,
      deps,
      result,
      { startMs: u.startMs, endMs: u.endMs },
    );
  }
}

async function settleOne(
  p: Pending,
  source: string,
  deps: RecoveryDeps,
  result: RecoveryResult,
  span: { startMs: number; endMs: number } = { startMs: 0, endMs: 0 },
): Promise<void> {
  if (!p.audio || p.problem) return reportLost(p, p.problem ?? 'no audio', source, deps, result);
  try {
    const started = performance.now();
    const r = await deps.recognizer.recognize(p.audio, deps.run);
    const t: Transcript = {
      id: result.recovered + result.failed + 1,
      text: r.text,
      device: r.device,
      ep: r.ep,
      latencyMs: performance.now() - started,
      startMs: span.startMs,
      endMs: span.endMs || (p.audio.length / SAMPLE_RATE) * 1000,
      retriedOnCpu: r.retriedOnCpu,
      recovered: true,
    };
    if (t.text === '') return; // silence or noise: nothing was said
    await deps.keep(t, source);
    result.recovered++;
    deps.emit({ type: 'transcript', ...t });
  } catch (error) {
    await reportLost(p, messageOf(error), source, deps, result);
  }
}

async function reportLost(
  p: Pending,
  why: string,
  source: string,
  deps: RecoveryDeps,
  result: RecoveryResult,
): Promise<void> {
  result.failed++;
  const kept = await keepFailed(p, deps.historyDir).catch(
    (error: unknown) => `nowhere (${messageOf(error)})`,
  );
  deps.emit({
    type: 'failure',
    during: `recovering an interrupted dictation (${source})`,
    message: `the ${p.label} could not be transcribed after the engine restart: ${why}; its audio is kept in ${kept}`,
  });
}

async function keepFailed(p: Pending, historyDir: string): Promise<string> {
  const dir = path.join(historyDir, 'failed');
  await mkdir(dir, { recursive: true });
  const stamp = `${Date.now()}-${claimCounter++}`;
  if (p.audio) {
    const file = path.join(dir, `recovered-${stamp}.wav`);
    await writeWav(file, p.audio);
    return file;
  }
  const file = path.join(dir, `recovered-${stamp}-${path.basename(p.rawFile)}`);
  await rename(p.rawFile, file);
  return file;
}

async function readFloat32(file: string): Promise<Float32Array> {
  const bytes = await readFileSafely(file, { maxBytes: AUDIO_MAX_BYTES });
  // A write cut short by the crash may end mid-sample: keep the whole samples.
  const whole = bytes.byteLength - (bytes.byteLength % 4);
  const audio = new Float32Array(whole / 4);
  new Uint8Array(audio.buffer).set(bytes.subarray(0, whole));
  return audio;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
