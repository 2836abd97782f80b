/**
 * Microphone input for the headless CLI on Linux, through the system's recorder: PulseAudio/PipeWire's
 * `parec` or ALSA's `arecord`, whichever is on PATH (parec first: on desktops it follows the user's chosen
 * input). Both are asked for what the engine uses (16 kHz mono float32 little-endian) so nothing is
 * converted here. The Electron app captures in the renderer instead (getUserMedia → AudioWorklet).
 */

import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SAMPLE_RATE, type AudioSource } from './audioTypes';

export type RecorderName = 'parec' | 'arecord';

export interface RecorderCommand {
  name: RecorderName;
  /** Absolute path of the executable found on PATH. */
  path: string;
  args: string[];
}

export interface FindRecorderOptions {
  /** The PATH to search (default process.env.PATH). */
  pathEnv?: string;
  /** Capture device: parec --device=NAME (a PulseAudio source), arecord -D NAME (an ALSA PCM). */
  device?: string;
}

export class RecorderNotFoundError extends Error {
  override name = 'RecorderNotFoundError';
}

function recorderArgs(name: RecorderName, device?: string): string[] {
  const rate = String(SAMPLE_RATE);
  if (name === 'parec') {
    return [
      '--format=float32le',
      `--rate=${rate}`,
      '--channels=1',
      // Small server-side buffering: the default latency lets PulseAudio batch up to ~2 s.
      '--latency-msec=30',
      ...(device ? [`--device=${device}`] : []),
    ];
  }
  return ['-q', '-t', 'raw', '-f', 'FLOAT_LE', '-r', rate, '-c', '1', ...(device ? ['-D', device] : [])];
}

function executableOnPath(name: string, pathEnv: string): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here: try the next PATH entry.
    }
  }
  return null;
}

/** The recorder that would be used, or null when neither parec nor arecord is on PATH. */
export function findRecorder(opts: FindRecorderOptions = {}): RecorderCommand | null {
  const pathEnv = opts.pathEnv ?? process.env.PATH ?? '';
  for (const name of ['parec', 'arecord'] as const) {
    const path = executableOnPath(name, pathEnv);
    if (path) return { name, path, args: recorderArgs(name, opts.device) };
  }
  return null;
}

export interface RecorderSourceOptions extends FindRecorderOptions {
  /** Use this command instead of searching PATH. */
  recorder?: RecorderCommand;
  /** How long a stopped recorder gets to exit after SIGTERM before SIGKILL (default 2000 ms). */
  stopGraceMs?: number;
}

/**
 * The microphone as an AudioSource of 16 kHz mono chunks (as the recorder's pipe delivers them). The
 * recorder starts when iteration starts and is stopped (SIGTERM) when the consumer stops iterating. A
 * recorder that exits on its own with an error, or cannot start, ends the iteration with an error that
 * carries its stderr.
 */
export function recorderSource(opts: RecorderSourceOptions = {}): AudioSource {
  return {
    async *[Symbol.asyncIterator]() {
      const rec = opts.recorder ?? findRecorder(opts);
      if (!rec) {
        throw new RecorderNotFoundError(
          'no audio recorder found: install parec (PulseAudio/PipeWire, Debian package pulseaudio-utils) ' +
            'or arecord (ALSA, Debian package alsa-utils), or give the CLI a WAV file',
        );
      }
      const child = spawn(rec.path, rec.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        // Keep the tail only: a recorder may warn for hours.
        stderr = (stderr + text).slice(-4000);
      });
      interface Exit {
        code: number | null;
        signal: NodeJS.Signals | null;
        error?: Error;
      }
      const exited = new Promise<Exit>((resolve) => {
        child.once('error', (error) => resolve({ code: null, signal: null, error }));
        child.once('close', (code, signal) => resolve({ code, signal }));
      });

      // float32 is 4 bytes but pipe reads are not aligned to it: carry the remainder to the next read.
      let carry = Buffer.alloc(0);
      try {
        for await (const data of child.stdout) {
          if (!Buffer.isBuffer(data)) continue;
          const bytes = carry.length ? Buffer.concat([carry, data]) : data;
          const whole = bytes.length - (bytes.length % 4);
          carry = Buffer.from(bytes.subarray(whole));
          if (whole === 0) continue;
          // Copy into a fresh, aligned buffer (Buffer slices may start at any byte offset). x86 and ARM Linux
          // are little-endian, like the requested format.
          const samples = new Float32Array(whole / 4);
          new Uint8Array(samples.buffer).set(bytes.subarray(0, whole));
          yield samples;
        }
        const { code, signal, error } = await exited;
        if (error) throw new Error(`${rec.name} could not start (${rec.path}): ${error.message}`);
        if (code !== 0) {
          const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
          throw new Error(`${rec.name} ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
        }
      } finally {
        // Reached on normal end, on error, and when the consumer stops iterating (generator return()).
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          // A recorder stuck in a driver call may ignore SIGTERM: do not hang the consumer on it.
          const timer = setTimeout(() => child.kill('SIGKILL'), opts.stopGraceMs ?? 2000);
          await exited;
          clearTimeout(timer);
        }
      }
    },
  };
}
