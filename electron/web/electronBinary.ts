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
