import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeEvent } from '../../../../shared/describeEvent';
import type { EngineEvent } from '../../../../shared/engineEvents';
import type { AudioSource } from '../../audio/audioTypes';
import { findRecorder, recorderSource } from '../../audio/recorder';
import { SileroVad } from '../../audio/sileroVad';
import { wavFileSource } from '../../audio/wavFile';
import { historyEntryOf, runDictation, type Transcript } from '../../dictation/dictationPipeline';
import { journaled, openJournal, recoverInterrupted } from '../../dictation/journaledDictation';
import { Engine } from '../../engine';
import { openHistoryStore } from '../../history/historyStore';
import { createTextOutput, type TextOutput } from '../../output/textOutput';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import type { SegmenterOptions } from '../../audio/segmenter';
import { parseScenario } from '../../simulation/scenario';
import { loadRecognizer } from '../../stt/loadRecognizer';
import type { Recognizer } from '../../stt/recognizer';
import { locateModel } from '../../stt/modelLocation';
import { cliSettings } from '../cliSettings';
import type { ParsedArgs } from '../main';
import { CommandFailed, UsageError } from '../usageError';

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
  // Said before a model is loaded: without a recorder there is nothing to dictate from.
  if (input === 'mic' && findRecorder() === null) throw new CommandFailed(NO_RECORDER);
  const dataDir = userDataDir();
  const location = await locateModel(
    typeof values['model'] === 'string' ? values['model'] : undefined,
    dataDir,
  );
  const recognizer = await loadRecognizer(location.dir);
  const scenario =
    typeof values['scenario'] === 'string' ? await readScenario(values['scenario']) : undefined;
  const json = values['json'] === true;
  const say = (e: EngineEvent) =>
    process.stderr.write(json ? `${JSON.stringify(e)}\n` : `${describeEvent(e)}\n`);
  const engine = await Engine.start({
    dataDir,
    probe: 'auto',
    scenario,
    models: recognizer.models,
    emit: (e) => {
      if (e.type !== 'sample' && e.type !== 'report' && e.type !== 'transcript') say(e);
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
    await dictate({ input, json, recognizer, engine, output, say, dataDir, segmenter });
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
  json: boolean;
  recognizer: Recognizer;
  engine: Engine;
  output: TextOutput;
  say: (e: EngineEvent) => void;
  dataDir: string;
  segmenter: Partial<SegmenterOptions>;
}

/** Recover what a dead dictation left, then dictate from the input until it ends or Ctrl-C. */
async function dictate(r: DictateRun): Promise<void> {
  const history = openHistoryStore(r.dataDir);
  const historyDir = userDataPaths(r.dataDir).history;
  const label = r.input === 'mic' ? 'mic' : path.basename(r.input);
  const run = (id: string, feeds: Parameters<Engine['run']>[1]) => r.engine.run(id, feeds);
  const keep = (t: Transcript, source: string) =>
    history.append(historyEntryOf(t, source)).then(() => undefined);
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
    const source = journal ? journaled(sourceFor(r.input), journal) : sourceFor(r.input);
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

function sourceFor(input: string): AudioSource {
  if (input === 'mic') return recorderSource();
  return wavFileSource(input, { realtime: true });
}

async function readScenario(file: string) {
  const parsed = parseScenario(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error}`);
  return parsed.scenario;
}
