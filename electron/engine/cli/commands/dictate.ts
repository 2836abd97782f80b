import path from 'node:path';
import { describeEvent } from '../../../../shared/describeEvent';
import type { EngineEvent } from '../../../../shared/engineEvents';
import { SAMPLE_RATE, type AudioSource } from '../../audio/audioTypes';
import { findRecorder, recorderSource } from '../../audio/recorder';
import { SileroVad } from '../../audio/sileroVad';
import type { DecodedWav } from '../../audio/wavFile';
import { historyEntryOf, runDictation, type Transcript } from '../../dictation/dictationPipeline';
import { journaled, openJournal, recoverInterrupted } from '../../dictation/journaledDictation';
import { Engine } from '../../engine';
import { openHistoryStore } from '../../history/historyStore';
import { createTextOutput, type TextOutput } from '../../output/textOutput';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import type { SegmenterOptions } from '../../audio/segmenter';
import { parseScenario } from '../../simulation/scenario';
import type { Recognizer } from '../../stt/recognizer';
import { cliSettings } from '../cliSettings';
import { loadUserRecognizer, locateUserModel, readJsonFile, readWavInput } from '../inputs';
import type { ParsedArgs } from '../main';
import { CommandFailed, UsageError } from '../usageError';

const QUIET_EVENTS: ReadonlySet<EngineEvent['type']> = new Set([
  'sample',
  'status',
  'report',
  'transcript',
  'input',
]);

/**
 * The live pipeline under the memory manager: audio (a WAV paced like a microphone, or the
 * microphone) → VAD → queue → model → transcripts, printed as they come, typed or pasted if asked,
 * and kept in the history. `--scenario` runs it against a simulated GPU under scripted pressure.
 * Like the app's engine, it journals the audio it reads, so a killed `dictate` loses nothing: the next
 * `dictate` (or the app) transcribes what it left first.
 */
export async function dictateCommand({ values }: ParsedArgs): Promise<number> {
  const input = values['input'];
  if (typeof input !== 'string') throw new UsageError('dictate needs --input FILE.wav or --input mic');
  if (values['type'] === true && values['clipboard'] === true)
    throw new UsageError('choose --type or --clipboard');
  // Everything the user gave is checked before the model loads (seconds for a large one).
  if (input === 'mic' && findRecorder() === null) throw new CommandFailed(NO_RECORDER);
  const wav = input === 'mic' ? null : await readWavInput(input);
  const scenario =
    typeof values['scenario'] === 'string' ? await readScenario(values['scenario']) : undefined;
  const dataDir = userDataDir();
  const location = await locateUserModel(values['model'], dataDir);
  const recognizer = await loadUserRecognizer(location, typeof values['model'] === 'string');
  const json = values['json'] === true;
  const say = (e: EngineEvent) =>
    process.stderr.write(json ? `${JSON.stringify(e)}\n` : `${describeEvent(e)}\n`);
  const engine = await Engine.start({
    dataDir,
    probe: 'auto',
    scenario,
    models: recognizer.models,
    emit: (e) => {
      // Telemetry (samples, the status pushed with them) would bury what happened.
      if (!QUIET_EVENTS.has(e.type)) say(e);
    },
  });
  const output = createTextOutput(
    values['type'] === true ? 'type' : values['clipboard'] === true ? 'clipboard' : 'none',
  );
  // The app's speech settings (end-of-speech silence, pre- and post-roll, longest utterance) apply here too.
  const { speech } = (await cliSettings()).settings;
  const segmenter = {
    preRollMs: speech.preRollMs,
    postRollMs: speech.postRollMs,
    silenceMs: speech.silenceMs,
    maxUtteranceMs: speech.maxUtteranceMs,
  };
  try {
    await dictate({
      input,
      wav,
      json,
      recognizer,
      engine,
      output,
      say,
      dataDir,
      segmenter,
      model: location.id,
    });
  } catch (error) {
    // The input failed (a recorder that cannot open a device, an unreadable file): one line, not a stack.
    throw new CommandFailed(`${input === 'mic' ? 'microphone' : input}: ${messageOf(error)}`);
  } finally {
    await engine.stop();
  }
  return 0;
}

interface DictateRun {
  input: string;
  /** The decoded input file; null for the microphone. */
  wav: DecodedWav | null;
  json: boolean;
  recognizer: Recognizer;
  engine: Engine;
  output: TextOutput;
  say: (e: EngineEvent) => void;
  dataDir: string;
  segmenter: Partial<SegmenterOptions>;
  /** The speech model's id, kept with each transcript in the history. */
  model: string;
}

/** Recover what a dead dictation left, then dictate from the input until it ends or Ctrl-C. */
async function dictate(r: DictateRun): Promise<void> {
  const history = openHistoryStore(r.dataDir);
  const historyDir = userDataPaths(r.dataDir).history;
  const label = r.input === 'mic' ? 'mic' : path.basename(r.input);
  const run = (id: string, feeds: Parameters<Engine['run']>[1]) => r.engine.run(id, feeds);
  const keep = (t: Transcript, source: string) =>
    history.append(historyEntryOf(t, source, r.model)).then(() => undefined);
  const vad = await SileroVad.create();
  try {
    // Kept in the history flagged recovered, never typed: the window that had the focus is long gone.
    await recoverInterrupted({
      historyDir,
      recognizer: r.recognizer,
      run,
      segmenter: r.segmenter,
      emit: r.say,
      keep: (t, from) => keep(t, `${from} (recovered)`),
    });
    const journal = openJournal(historyDir, label, (message) =>
      r.say({ type: 'failure', during: `journaling dictation (${label})`, message }),
    );
    const input = r.wav === null ? recorderSource() : pacedSource(r.wav.audio);
    const source = journal ? journaled(input, journal) : input;
    // Ctrl-C leaves what is still queued in the journal: the next start transcribes it.
    const stop = new Promise<void>((resolve) => process.once('SIGINT', resolve));
    const dictation = runDictation(source, {
      recognizer: r.recognizer,
      vad,
      run,
      historyDir,
      segmenter: r.segmenter,
      ...(journal ? { journal } : {}),
      emit: (e) => process.stderr.write(`${describeEvent(e)}\n`),
      onTranscript: async (t) => {
        process.stdout.write(r.json ? `${JSON.stringify({ type: 'transcript', ...t })}\n` : `${t.text}\n`);
        await keep(t, label);
        await deliver(r.output, t.text);
      },
    });
    await Promise.race([dictation, stop]);
  } finally {
    await vad.release();
    await history.close();
  }
}

async function deliver(output: TextOutput, text: string): Promise<void> {
  if (output.mode === 'none') return;
  const delivered = await output.deliver(text);
  if (!delivered.ok) process.stderr.write(`swictation: ${delivered.message ?? 'output failed'}\n`);
}

const NO_RECORDER =
  'no audio recorder found: install parec (PulseAudio/PipeWire, Debian package pulseaudio-utils) or arecord ' +
  '(ALSA, Debian package alsa-utils), or give the CLI a WAV file';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A file's audio at real-time pace, as a microphone would deliver it (32 ms chunks). The due time counts from
 * the start, so timer lateness does not accumulate.
 */
function pacedSource(audio: Float32Array, chunk = 512): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      const start = performance.now();
      for (let offset = 0; offset < audio.length; offset += chunk) {
        const end = Math.min(offset + chunk, audio.length);
        const wait = start + (end * 1000) / SAMPLE_RATE - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        yield audio.slice(offset, end);
      }
    },
  };
}

async function readScenario(file: string) {
  const parsed = parseScenario(await readJsonFile(file, 'scenario'));
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
  return parsed.scenario;
}
