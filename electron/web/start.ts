// `npm start`: the tray app when Electron's binary is installed or can be downloaded now. Without it (the
// download needs a network that CI and offline machines lack) the same window is served to a browser
// instead, with real speech, on the app's own data folder ($SWICTATION_HOME, else the folder the tray app
// and the CLI use), until Ctrl+C.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { userDataDir } from '../engine/runtime/userDataDir';
import { canDownloadElectron, downloadElectronBinary, findElectronBinary } from './electronBinary';
import { ensureRendererBuilt } from './rendererBuild';
import { engineLinePrinter, serveUntilStopped } from './serveSession';
import { startHarness } from './server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ELECTRON_DIR = fileURLToPath(new URL('../../node_modules/electron/', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

/** `npm run build:app -- --no-renderer` (main, preload and the engine bundle), in this process's Node. */
function bundleApp(): void {
  const built = spawnSync(process.execPath, ['--import', 'tsx', 'build/app/bundle.ts', '--no-renderer'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (built.status !== 0) fail('building the app (build/app/bundle.ts) failed');
}

/** Run the tray app in the foreground; Ctrl+C reaches it, and its exit code is ours. */
function runElectron(binary: string): void {
  bundleApp();
  const child = spawn(binary, ['.', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => fail(`could not run ${binary}: ${error.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function serveInBrowser(): Promise<void> {
  const home = userDataDir();
  await mkdir(home, { recursive: true });
  const harness = await startHarness({
    home,
    speech: true,
    probe: 'auto',
    onOutput: engineLinePrinter(false),
  });
  process.stdout.write(
    `Electron is not installed (its binary download failed): serving the window at ${harness.url} instead\n` +
      `data folder: ${home}\n` +
      `Ctrl+C stops it\n`,
  );
  serveUntilStopped(harness, 'press Ctrl+C and run npm start again');
}

async function main(): Promise<void> {
  // The renderer through the one lock-aware build: parallel test files that start the app never build over
  // each other, and an up-to-date build is not redone.
  await ensureRendererBuilt({ log: (line) => process.stdout.write(`${line}\n`) });
  let binary = findElectronBinary(ELECTRON_DIR);
  if (!binary && canDownloadElectron(ELECTRON_DIR)) {
    process.stdout.write("downloading Electron's binary (first start)…\n");
    binary = await downloadElectronBinary(ELECTRON_DIR);
  }
  if (binary) runElectron(binary);
  else await serveInBrowser();
}

/**
 * A failed start in a few lines a person can act on: the message and the engine's own error lines, without
 * the stack frames that come with them (`npm run dev:web -- --verbose` shows all of the engine's output).
 */
function withoutStack(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s+at\s/.test(line))
    .join('\n');
}

main().catch((error: unknown) => fail(withoutStack(error)));
