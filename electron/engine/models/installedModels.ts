/**
 * The models in <userData>/models: each sub-folder is one model; dot-folders are the downloader's work
 * (staging, a replaced install on its way out). A folder installed by the app has install.json and can be
 * verified by re-hashing; a folder the user put there has none and is listed as unmanaged.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MODEL_CATALOG, type CatalogEntry } from './catalog';
import { hashFile, readInstallManifest, type InstallManifest } from './downloadManifest';

export interface InstalledModel {
  id: string;
  dir: string;
  /** null: not installed by the app (or its manifest is damaged: see `problem`). */
  manifest: InstallManifest | null;
  catalog: CatalogEntry | null;
  /** Bytes of the files the manifest lists (all files when there is none). */
  bytes: number;
  problem: string | null;
}

export async function listInstalledModels(modelsDir: string): Promise<InstalledModel[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  const models: InstalledModel[] = [];
  for (const d of entries) {
    if (!d.isDirectory() || d.name.startsWith('.')) continue;
    const dir = path.join(modelsDir, d.name);
    let manifest: InstallManifest | null = null;
    let problem: string | null = null;
    try {
      manifest = await readInstallManifest(dir);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const bytes = manifest ? manifest.files.reduce((sum, f) => sum + f.bytes, 0) : await folderBytes(dir);
    models.push({
      id: d.name,
      dir,
      manifest,
      catalog: MODEL_CATALOG.find((e) => e.id === d.name) ?? null,
      bytes,
      problem,
    });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}

export interface VerifyProblem {
  file: string;
  kind: 'missing' | 'size' | 'checksum';
  expected: string;
  actual: string;
}

export interface VerifyResult {
  id: string;
  /** false: there is no install.json to check against (a user's own folder). */
  verifiable: boolean;
  ok: boolean;
  problems: VerifyProblem[];
}

/** Re-hashes every installed file against install.json. Sizes are compared first (a truncated file is cheap to spot). */
export async function verifyInstalledModel(
  dir: string,
  onProgress?: (file: string, bytes: number) => void,
): Promise<VerifyResult> {
  const id = path.basename(dir);
  const manifest = await readInstallManifest(dir);
  if (manifest === null) return { id, verifiable: false, ok: false, problems: [] };
  const problems: VerifyProblem[] = [];
  for (const f of manifest.files) {
    const file = path.join(dir, f.name);
    const size = await stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (size === null) {
      problems.push({ file: f.name, kind: 'missing', expected: `${f.bytes} bytes`, actual: 'no file' });
      continue;
    }
    if (size !== f.bytes) {
      problems.push({ file: f.name, kind: 'size', expected: `${f.bytes} bytes`, actual: `${size} bytes` });
      continue;
    }
    const { sha256 } = await hashFile(file, (n) => onProgress?.(f.name, n));
    if (sha256 !== f.sha256)
      problems.push({ file: f.name, kind: 'checksum', expected: f.sha256, actual: sha256 });
  }
  return { id: manifest.id, verifiable: true, ok: problems.length === 0, problems };
}

export async function removeInstalledModel(modelsDir: string, id: string): Promise<void> {
  if (id === '' || id.startsWith('.') || id.includes('/') || id.includes('\\'))
    throw new Error(`not a model id: "${id}"`);
  await rm(path.join(modelsDir, id), { recursive: true, force: true });
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (d.isFile()) total += (await stat(path.join(dir, d.name))).size;
  }
  return total;
}
