import { readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../runtime/processAlive';

/**
 * A re-install swaps folders with two renames (models/<id> → .old-<id>-<pid>-<time>, then the staged folder
 * → models/<id>). A process killed between them leaves no models/<id> and the good install under its .old
 * name. At start this puts such an install back, removes .old folders whose swap did finish, and removes
 * empty .partial-<id> folders and links planted under either name (the link itself; its target is never
 * touched). Folders of a swap another live process is doing are left alone. Returns what it did, one line
 * each, for the log.
 */
const OLD = /^\.old-(.+)-(\d+)-(\d+)$/;
const PARTIAL = /^\.partial-(.+)$/;

export async function recoverInstalls(modelsDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(modelsDir, { withFileTypes: true });
  } catch {
    return []; // no models folder yet
  }
  const names = new Set(entries.map((e) => e.name));
  const done: string[] = [];
  // Newest first: of two leftovers for one id, the newer one is restored.
  const olds = entries
    .map((e) => ({ e, m: OLD.exec(e.name) }))
    .filter((o): o is { e: (typeof entries)[number]; m: RegExpExecArray } => o.m !== null)
    .sort((a, b) => Number(b.m[3]) - Number(a.m[3]));
  for (const { e, m } of olds) {
    const [, id = '', pid = ''] = m;
    const where = path.join(modelsDir, e.name);
    if (!e.isDirectory()) {
      await rm(where, { force: true });
      done.push(`removed ${where}: not a folder (a link or a file is never followed)`);
    } else if (Number(pid) !== process.pid && processAlive(Number(pid))) continue;
    else if (!names.has(id)) {
      await rename(where, path.join(modelsDir, id));
      names.add(id);
      done.push(`restored ${id} from ${where}: a re-install was interrupted between its two renames`);
    } else {
      await rm(where, { recursive: true, force: true });
      done.push(`removed ${where}, left by a finished re-install of ${id}`);
    }
  }
  for (const e of entries.filter((x) => PARTIAL.test(x.name))) {
    const note = await tidyPartial(path.join(modelsDir, e.name), e.isDirectory());
    if (note) done.push(note);
  }
  return done;
}

/** An empty staging folder is dropped; one with bytes stays (a later pull resumes it). */
async function tidyPartial(where: string, isDir: boolean): Promise<string | null> {
  if (!isDir) {
    await rm(where, { force: true });
    return `removed ${where}: not a folder (a link or a file is never followed)`;
  }
  if ((await readdir(where)).length > 0) return null;
  await rmdir(where);
  return `removed the empty ${where}`;
}
