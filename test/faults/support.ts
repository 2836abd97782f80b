// Shared by the fault matrix: temporary homes, held-out speech, engine processes, and read-only folders.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav } from '../../electron/engine/audio/wavFile';
import { FIXTURE_MODEL_DIR } from '../../electron/engine/stt/modelLocation';
import type { EngineEvent } from '../../shared/engineEvents';
import { forkEngine, type ForkedEngine } from '../integration/engine/forkEngine';

export const AUDIO_DIR = fileURLToPath(new URL('../fixtures/audio/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Why the speech cases cannot run here, or null (the tiny model and its held-out audio are built files). */
export const speechMissing: string | null =
  existsSync(join(FIXTURE_MODEL_DIR, 'model.onnx')) && existsSync(join(AUDIO_DIR, 'heldout.json'))
    ? null
    : 'the tiny speech model or its held-out audio is not built (npm run build:fixture-model)';

export interface Clip {
  file: string;
  text: string;
}

export function heldoutClips(): Clip[] {
  return JSON.parse(readFileSync(join(AUDIO_DIR, 'heldout.json'), 'utf8')) as Clip[];
}

export function clip(text: string): Clip {
  const found = heldoutClips().find((c) => c.text === text);
  if (!found) throw new Error(`no held-out clip says "${text}"`);
  return found;
}

export async function clipAudio(c: Clip): Promise<Float32Array> {
  return (await readWav(join(AUDIO_DIR, c.file))).audio;
}

export function silence(ms: number): Float32Array {
  return new Float32Array(Math.round(ms * 16));
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Temporary folders and processes a test made, released in reverse order after it. */
export class Scratch {
  private readonly undo: (() => Promise<unknown>)[] = [];

  async home(settings?: unknown): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'swictation-fault-'));
    this.undo.push(() => rm(dir, { recursive: true, force: true }));
    if (settings !== undefined) await writeFile(join(dir, 'settings.json'), JSON.stringify(settings));
    return dir;
  }

  engine(args: string[], home: string, env: NodeJS.ProcessEnv = {}): ForkedEngine {
    const engine = forkEngine(args, home, env);
    // forkEngine's stop waits for an exit; one that already happened (a kill) would never come.
    this.undo.push(async () => {
      if (engine.child.exitCode === null && engine.child.signalCode === null) await engine.stop();
      else engine.client.close();
    });
    return engine;
  }

  later(fn: () => Promise<unknown>): void {
    this.undo.push(fn);
  }

  async release(): Promise<void> {
    for (const fn of this.undo.splice(0).reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((error: unknown) => console.warn(`cleanup failed: ${String(error)}`));
    }
  }
}

/** Push audio as the renderer does: ≤ 1 s per message, in order. */
export async function pushAudio(engine: ForkedEngine, audio: Float32Array, chunk = 4000): Promise<void> {
  for (let o = 0; o < audio.length; o += chunk) {
    await engine.client.call('audio.push', { samples: audio.slice(o, o + chunk) });
  }
}

export async function killHard(engine: ForkedEngine): Promise<void> {
  if (engine.child.exitCode !== null || engine.child.signalCode !== null) return;
  const exited = new Promise((resolve) => engine.child.once('exit', resolve));
  engine.child.kill('SIGKILL');
  await exited;
}

export const isFailure = (e: EngineEvent): e is Extract<EngineEvent, { type: 'failure' }> =>
  e.type === 'failure';

export function failures(engine: ForkedEngine): Extract<EngineEvent, { type: 'failure' }>[] {
  return engine.events.filter(isFailure);
}

/**
 * Make `dir` read-only for everyone, root included: a read-only bind mount of the folder onto itself.
 * Returns the undo, or the reason it is impossible here (then the caller skips, saying why).
 */
export async function mountReadOnly(dir: string): Promise<{ undo: () => Promise<void> } | { skip: string }> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
  } catch (error) {
    return { skip: `cannot bind-mount ${dir} (${stderrOf(error)}); read-only cases need mount privileges` };
  }
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'pipe' });
  } catch (error) {
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return { skip: `cannot remount ${dir} read-only (${stderrOf(error)})` };
  }
  let mounted = true;
  return {
    // Idempotent: a test may make the disk writable again itself, and cleanup calls it once more.
    undo: () => {
      if (mounted) execFileSync('umount', [dir], { stdio: 'pipe' });
      mounted = false;
      return Promise.resolve();
    },
  };
}

function stderrOf(error: unknown): string {
  const e = error as { stderr?: Buffer; message?: string };
  return e.stderr?.toString().trim() || e.message || String(error);
}

/** A real FIFO (named pipe) with no writer: a plain read of it blocks forever. */
export function makeFifo(file: string): void {
  execFileSync('mkfifo', [file]);
}
