import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagedResourcesDir } from '../runtime/asarPaths';
import { userDataPaths } from '../runtime/userDataDir';

/**
 * The tiny closed-vocabulary model the project trains and ships: the offline self-test ("check memory status").
 * The packaged app carries it as an extra resource (build/electron-builder.ts: resources/models/tiny-ctc);
 * elsewhere it is in the source tree, three folders up from here and from the bundle (out/app/engine/).
 */
export const FIXTURE_MODEL_DIR = fixtureModelDir(fileURLToPath(import.meta.url));

function fixtureModelDir(moduleFile: string): string {
  const resources = packagedResourcesDir(moduleFile);
  if (resources !== null) return path.join(resources, 'models', 'tiny-ctc');
  return fileURLToPath(new URL('../../../test/fixtures/models/tiny-ctc/', import.meta.url));
}

export interface ModelLocation {
  dir: string;
  id: string;
  source: 'path' | 'installed' | 'fixture';
}

/**
 * Which model to use: a folder path, or the id of an installed model, or (nothing asked) the first
 * installed model, else the bundled fixture model.
 */
export async function locateModel(arg: string | undefined, dataDir: string): Promise<ModelLocation> {
  const installedDir = userDataPaths(dataDir).models;
  if (arg !== undefined) {
    if (await exists(path.join(arg, 'config.json')))
      return { dir: path.resolve(arg), id: path.basename(arg), source: 'path' };
    if (arg === 'tiny-ctc') return { dir: FIXTURE_MODEL_DIR, id: 'tiny-ctc', source: 'fixture' };
    const dir = path.join(installedDir, arg);
    if (await exists(dir)) return { dir, id: arg, source: 'installed' };
    throw new Error(
      `no model "${arg}": not a model folder and not installed in ${installedDir} (see: swictation models list)`,
    );
  }
  const installed = (await readdir(installedDir).catch(() => [] as string[])).filter(
    (d) => !d.startsWith('.'),
  );
  const first = installed.sort()[0];
  if (first !== undefined) return { dir: path.join(installedDir, first), id: first, source: 'installed' };
  return { dir: FIXTURE_MODEL_DIR, id: 'tiny-ctc', source: 'fixture' };
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
