import os from 'node:os';
import path from 'node:path';

/**
 * The one folder for settings, logs, models and history. It matches Electron's userData for the
 * app ("Swictation") so the CLI and the tray app share settings; $SWICTATION_HOME overrides it.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const override = env['SWICTATION_HOME'];
  if (override) return path.resolve(override);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), 'Swictation');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Swictation');
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), 'Swictation');
}

export const userDataPaths = (dir: string) => ({
  settings: path.join(dir, 'settings.json'),
  logs: path.join(dir, 'logs'),
  models: path.join(dir, 'models'),
  history: path.join(dir, 'history'),
});
