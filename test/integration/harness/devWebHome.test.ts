import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../../electron/web/rendererBuild';

// `npm run dev:web` picks its data folder as README says: --home, else $SWICTATION_HOME, else a temporary one.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** dev:web's "engine home:" line, then q + Enter (its own quit command) and the exit code. */
function devWebHome(args: string[], env: NodeJS.ProcessEnv): Promise<{ home: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'electron/web/devWeb.ts', '--speech', 'off', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let home: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no engine home line within 60 s:\n${out}`));
    }, 60_000);
    const take = (d: string) => {
      out += d;
      const found = /^engine home: (.+)$/m.exec(out);
      if (found?.[1] && home === null) {
        home = found[1];
        child.stdin.write('q\n');
      }
    };
    child.stdout.setEncoding('utf8').on('data', take);
    child.stderr.setEncoding('utf8').on('data', take);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (home === null) reject(new Error(`dev:web exited (${String(code)}) before serving:\n${out}`));
      else resolve({ home, code });
    });
  });
}

describe('dev:web data folder', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'swictation-devweb-'));
    await ensureRendererBuilt();
  }, 300_000);
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('uses $SWICTATION_HOME when set, and --home over it', async () => {
    const fromEnv = path.join(scratch, 'env-home');
    const fromFlag = path.join(scratch, 'flag-home');
    expect(await devWebHome([], { SWICTATION_HOME: fromEnv })).toEqual({ home: fromEnv, code: 0 });
    expect(await devWebHome(['--home', fromFlag], { SWICTATION_HOME: fromEnv })).toEqual({
      home: fromFlag,
      code: 0,
    });
  }, 120_000);

  it('without either, a temporary folder, never the app data folder', async () => {
    // An empty value counts as unset, as in userDataDir().
    const { home, code } = await devWebHome([], { SWICTATION_HOME: '' });
    expect(code).toBe(0);
    expect(path.basename(home)).toMatch(/^swictation-harness-/);
  }, 120_000);
});
