/**
 * What the user hands the CLI (files, model names) checked up front and turned into one-line errors:
 * bad input is a UsageError (exit 2) before anything slow (a model load, the engine) starts.
 */
import { readFile } from 'node:fs/promises';
import { readWav, type DecodedWav } from '../audio/wavFile';
import { loadRecognizer } from '../stt/loadRecognizer';
import { locateModel, type ModelLocation } from '../stt/modelLocation';
import type { Recognizer } from '../stt/recognizer';
import { CommandFailed, UsageError } from './usageError';

/** A JSON file named on the command line; `what` says what it is for ("scenario"). */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${messageOf(error)}`);
  }
}

/** `--model ID|PATH`, or the default model; a name that is neither installed nor a folder is bad input. */
export async function locateUserModel(arg: unknown, dataDir: string): Promise<ModelLocation> {
  const named = typeof arg === 'string' ? arg : undefined;
  try {
    return await locateModel(named, dataDir);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
}

/**
 * Loads the model. One the user named that does not load (a folder without the files a model needs) is
 * their input, exit 2; the default failing to load is the installation's fault, exit 1. Both one line.
 */
export async function loadUserRecognizer(location: ModelLocation, named: boolean): Promise<Recognizer> {
  try {
    return await loadRecognizer(location.dir);
  } catch (error) {
    const line = `model ${location.id} (${location.dir}) cannot be loaded: ${firstLine(messageOf(error))}`;
    throw named ? new UsageError(line) : new CommandFailed(line);
  }
}

/** A WAV file given as input: missing, unreadable, empty, text or any other non-WAV is bad input. */
export async function readWavInput(file: string): Promise<DecodedWav> {
  try {
    return await readWav(file);
  } catch (error) {
    // readWav's messages already name the file (its base name); give the path as the user typed it.
    // The file system's text repeats the path ("…, open '/x.wav'"): once is enough.
    const why = messageOf(error)
      .replace(/^[^:]*: /, '')
      .replace(/, \w+ '[^']*'$/, '');
    throw new UsageError(`${file}: ${why}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
