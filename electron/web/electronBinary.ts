import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The executable inside Electron's dist folder when path.txt does not say (what electron's install.js writes). */
const DEFAULT_EXECUTABLE: Readonly<Partial<Record<NodeJS.Platform, string>>> = {
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

/**
 * The Electron executable `npm start` would run, or null when it is not installed. Mirrors how the electron
 * package finds it (node_modules/electron/index.js: path.txt, dist/, $ELECTRON_OVERRIDE_DIST_PATH) without
 * requiring that module: requiring it retries the download, which prints stack traces and waits on a network
 * that CI and offline machines do not have.
 */
export function findElectronBinary(
  electronDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const pathFile = path.join(electronDir, 'path.txt');
  const named = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const executable = named || (DEFAULT_EXECUTABLE[platform] ?? 'electron');
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const candidate = override ? path.join(override, executable) : path.join(electronDir, 'dist', executable);
  return existsSync(candidate) ? candidate : null;
}

/** A download that has not finished by then is taken as failed: the browser window is better than a wait. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** False for a dist folder of the user's own, downloads turned off, or no electron package. */
export function canDownloadElectron(electronDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['ELECTRON_OVERRIDE_DIST_PATH'] || env['ELECTRON_SKIP_BINARY_DOWNLOAD']) return false;
  return existsSync(path.join(electronDir, 'install.js'));
}

/**
 * Fetch Electron's binary with the electron package's own install script (it downloads on first use, and
 * npm may not run install scripts at all). Its output is kept back: without a network it ends in a stack
 * trace, and the caller says what happened in one line. Resolves with the binary, or null when it failed.
 */
export function downloadElectronBinary(
  electronDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  // A dist folder of the user's own, or downloads turned off: nothing to fetch.
  if (env['ELECTRON_OVERRIDE_DIST_PATH'] || env['ELECTRON_SKIP_BINARY_DOWNLOAD'])
    return Promise.resolve(null);
  const script = path.join(electronDir, 'install.js');
  if (!existsSync(script)) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env, timeout: DOWNLOAD_TIMEOUT_MS }, () =>
      resolve(findElectronBinary(electronDir, env)),
    );
  });
}
