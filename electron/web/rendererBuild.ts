import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_DIR } from './server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VITE = path.join(ROOT, 'node_modules/vite/bin/vite.js');
const CONFIG = path.join(ROOT, 'build/vite.renderer.config.ts');
/** What the bundle is made from: a newer file here means out/renderer is stale. */
const SOURCES = [path.join(ROOT, 'renderer'), path.join(ROOT, 'shared'), CONFIG];
/** Test files run in parallel workers: one builds, the others wait for it instead of building over it. */
const LOCK = path.join(ROOT, 'out/.renderer-build.lock');
const LOCK_STALE_MS = 5 * 60_000;
const BUILD_TIMEOUT_MS = 5 * 60_000;

export interface BuildResult {
  built: boolean;
  ms: number;
  reason: string;
}

/** Why out/renderer needs a build, or null when it is newer than every source file. */
export async function rendererStaleReason(outDir = RENDERER_DIR): Promise<string | null> {
  const index = path.join(outDir, 'index.html');
  if (!existsSync(index)) return `${path.relative(ROOT, index)} is missing`;
  const builtAt = (await stat(index)).mtimeMs;
  for (const source of SOURCES) {
    const newest = await newestFile(source);
    if (newest && newest.mtimeMs > builtAt)
      return `${path.relative(ROOT, newest.file)} changed since the build`;
  }
  return null;
}

/** Build the renderer when it is missing or stale; safe to call from several processes at once. */
export async function ensureRendererBuilt(opts: { log?: (line: string) => void } = {}): Promise<BuildResult> {
  const started = Date.now();
  for (;;) {
    const reason = await rendererStaleReason();
    if (reason === null) return { built: false, ms: Date.now() - started, reason: 'up to date' };
    if (await takeLock()) {
      try {
        // Another process may have finished a build while this one waited for the lock.
        const still = await rendererStaleReason();
        if (still === null)
          return { built: false, ms: Date.now() - started, reason: 'built by another process' };
        opts.log?.(`building the renderer: ${still}`);
        await buildRenderer();
        return { built: true, ms: Date.now() - started, reason: still };
      } finally {
        await rmdir(LOCK).catch(() => undefined);
      }
    }
    if (Date.now() - started > BUILD_TIMEOUT_MS) throw new Error(`gave up waiting for ${LOCK}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * `vite build --config build/vite.renderer.config.ts`, with its output in the error when it fails. `root`: another
 * copy of the sources (the renderer benchmark builds an older commit's renderer beside this one).
 */
export function buildRenderer(root = ROOT): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [VITE, 'build', '--config', path.join(root, path.relative(ROOT, CONFIG)), '--logLevel', 'warn'],
      { cwd: root, timeout: BUILD_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          resolve();
          return;
        }
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
        reject(new Error(`the renderer build failed: ${error.message}\n${tail}`));
      },
    );
  });
}

/** mkdir is atomic: whoever creates the folder holds the lock. A lock left by a killed run expires. */
async function takeLock(): Promise<boolean> {
  await mkdir(path.dirname(LOCK), { recursive: true });
  try {
    await mkdir(LOCK);
    return true;
  } catch {
    const age = await stat(LOCK).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > LOCK_STALE_MS) await rmdir(LOCK).catch(() => undefined);
    return false;
  }
}

async function newestFile(p: string): Promise<{ file: string; mtimeMs: number } | null> {
  const info = await stat(p).catch(() => null);
  if (!info) return null;
  if (!info.isDirectory()) return { file: p, mtimeMs: info.mtimeMs };
  let best: { file: string; mtimeMs: number } | null = null;
  for (const entry of await readdir(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const found = await newestFile(path.join(p, entry.name));
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}
