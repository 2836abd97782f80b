import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describeEvent } from '../../../../shared/describeEvent';
import type { AudioSource } from '../../audio/audioTypes';
import { findRecorder, recorderSource } from '../../audio/recorder';
import { SileroVad } from '../../audio/sileroVad';
import { wavFileSource } from '../../audio/wavFile';
import { runDictation } from '../../dictation/dictationPipeline';
import { Engine } from '../../engine';
import { openHistoryStore } from '../../history/historyStore';
import { createTextOutput } from '../../output/textOutput';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import { parseScenario } from '../../simulation/scenario';
import { loadRecognizer } from '../../stt/loadRecognizer';
import { locateModel } from '../../stt/modelLocation';
import type { ParsedArgs } from '../main';
import { CommandFailed, UsageError } from '../usageError';

/**
 * The live pipeline under the memory manager: audio (a WAV paced like a microphone, or the
 * microphone) → VAD → queue → model → transcripts, printed as they come, typed or pasted if asked,
 * and kept in the history. `--scenario` runs it against a simulated GPU under scripted pressure.
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
  const engine = await Engine.start({
    dataDir,
    probe: 'auto',
    scenario,
    models: recognizer.models,
    emit: (e) => {
      if (e.type === 'sample' || e.type === 'report' || e.type === 'transcript') return;
      process.stderr.write(json ? `${JSON.stringify(e)}\n` : `${describeEvent(e)}\n`);
    },
  });
  const output = createTextOutput(
    values['type'] === true ? 'type' : values['clipboard'] === true ? 'clipboard' : 'none',
  );
  const history = openHistoryStore(dataDir);
  const vad = await SileroVad.create();
  const source = sourceFor(input);
  const stop = new Promise<void>((resolve) => process.once('SIGINT', resolve));
  try {
    await Promise.race([
      runDictation(source, {
        recognizer,
        vad,
        run: (id, feeds) => engine.run(id, feeds),
        historyDir: userDataPaths(dataDir).history,
        emit: (e) => process.stderr.write(`${describeEvent(e)}\n`),
        onTranscript: async (t) => {
          process.stdout.write(json ? `${JSON.stringify({ type: 'transcript', ...t })}\n` : `${t.text}\n`);
          await history.append({
            text: t.text,
            device: t.device,
            ep: t.ep,
            latencyMs: t.latencyMs,
            durationMs: t.endMs - t.startMs,
            source: input === 'mic' ? 'mic' : path.basename(input),
          });
          if (output.mode !== 'none') {
            const delivered = await output.deliver(t.text);
            if (!delivered.ok) process.stderr.write(`swictation: ${delivered.message ?? 'output failed'}\n`);
          }
        },
      }),
      stop,
    ]);
  } catch (error) {
    // The input failed (a recorder that cannot open a device, an unreadable file): one line, not a stack.
    throw new CommandFailed(`${input === 'mic' ? 'microphone' : input}: ${messageOf(error)}`);
  } finally {
    await vad.release();
    await history.close();
    await engine.stop();
  }
  return 0;
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
