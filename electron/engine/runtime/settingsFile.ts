import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, validateSettings, type Settings } from '../../../shared/settings';
import { processAlive } from './processAlive';
import { isUnsafeFile, readTextFileSafely } from './safeFile';

/** Far above any real settings file (a few KiB): anything larger is not ours. */
export const SETTINGS_MAX_BYTES = 1 << 20;

export interface SettingsProblem {
  message: string;
  /** Where the unreadable file was moved: it is kept, never overwritten. */
  keptAs: string | null;
}

export interface LoadedSettings {
  settings: Settings;
  path: string;
  problem: SettingsProblem | null;
}

/**
 * Read settings.json. A missing file means defaults; a corrupt or invalid one also means
 * defaults, and the file is moved aside (settings.json.corrupt-<time>) so nothing the user wrote is lost.
 */
export async function loadSettings(file: string): Promise<LoadedSettings> {
  await removeStaleTemporaries(file);
  let text: string;
  try {
    // No symlink (its target's text would end up in the problem message), no FIFO (start-up would wait forever).
    text = await readTextFileSafely(file, { maxBytes: SETTINGS_MAX_BYTES });
  } catch (error) {
    if (isCode(error, 'ENOENT')) return { settings: DEFAULT_SETTINGS, path: file, problem: null };
    if (isUnsafeFile(error)) return setAside(file, error.reason);
    return {
      settings: DEFAULT_SETTINGS,
      path: file,
      problem: { message: `cannot read ${file}: ${String(error)}`, keptAs: null },
    };
  }
  const problem = parseProblem(text);
  if (problem === null) {
    const result = validateSettings(JSON.parse(text));
    if (result.ok) return { settings: result.settings, path: file, problem: null };
  }
  return setAside(file, problem ?? `invalid settings: ${invalidReasons(text)}`);
}

/** Defaults, with the unusable entry moved aside (a link or FIFO is moved itself; its target is untouched). */
async function setAside(file: string, why: string): Promise<LoadedSettings> {
  const keptAs = await moveAside(file);
  return {
    settings: DEFAULT_SETTINGS,
    path: file,
    problem: { message: `${file} could not be used (${why}); using defaults`, keptAs },
  };
}

const TEMPORARY = /^(.+)\.(\d+)\.tmp$/;

/**
 * A process killed between writing settings.json.<pid>.tmp and renaming it leaves the temporary behind.
 * One whose writer is gone is removed (main and the engine write with their own pids, so a live one is
 * never touched).
 */
async function removeStaleTemporaries(file: string): Promise<void> {
  const names = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m || m[1] !== path.basename(file) || processAlive(Number(m[2]))) continue;
    await fs.rm(path.join(path.dirname(file), name), { force: true }).catch(() => undefined);
  }
}

/** The settings could not be written (read-only disk, no permission, disk full): the old file is intact. */
export class SettingsNotSaved extends Error {
  constructor(
    readonly file: string,
    readonly code: string | null,
    cause: string,
  ) {
    super(`settings could not be saved to ${file} (${describeCode(code) ?? cause}); nothing was changed`);
    this.name = 'SettingsNotSaved';
  }
}

/** Write atomically: a crash mid-write leaves the old file, never half a file. */
export async function saveSettings(file: string, settings: Settings): Promise<void> {
  const checked = validateSettings(settings);
  if (!checked.ok) throw new Error(`refusing to save invalid settings: ${checked.errors.join('; ')}`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Exclusive create: a link or FIFO planted under the temporary's name is refused, never written through.
    await fs.rm(tmp, { force: true });
    const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666);
    try {
      await handle.writeFile(`${JSON.stringify(checked.settings, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (error) {
    // A half-written temporary file is ours to remove; settings.json itself was never touched.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code ?? null;
    throw new SettingsNotSaved(file, code, error instanceof Error ? error.message : String(error));
  }
}

function describeCode(code: string | null): string | null {
  switch (code) {
    case 'EROFS':
      return 'the disk is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOTDIR':
    case 'EEXIST': // mkdir -p meeting a file
      return 'a file is in the way of its folder';
    default:
      return null;
  }
}

function parseProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function invalidReasons(text: string): string {
  const result = validateSettings(JSON.parse(text));
  return result.ok ? '' : result.errors.join('; ');
}

async function moveAside(file: string): Promise<string | null> {
  const target = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.rename(file, target);
    return target;
  } catch {
    return null; // read-only folder: the file stays where it is, still untouched
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
