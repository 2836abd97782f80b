import { loadSettings, type LoadedSettings } from '../runtime/settingsFile';
import { userDataDir, userDataPaths } from '../runtime/userDataDir';

/** The CLI's settings: the same file the app uses. A bad file is reported, never fatal. */
export async function cliSettings(): Promise<LoadedSettings> {
  const loaded = await loadSettings(userDataPaths(userDataDir()).settings);
  if (loaded.problem) {
    const kept = loaded.problem.keptAs ? ` (kept as ${loaded.problem.keptAs})` : '';
    process.stderr.write(`swictation: warning: ${loaded.problem.message}${kept}\n`);
  }
  return loaded;
}
