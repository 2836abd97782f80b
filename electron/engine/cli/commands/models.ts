import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_CATALOG, catalogEntry, downloadBytes, type CatalogEntry } from '../../models/catalog';
import { downloadModel, installBundledModel, type DownloadProgress } from '../../models/downloader';
import {
  listInstalledModels,
  verifyInstalledModel,
  type VerifyProblem,
  type VerifyResult,
} from '../../models/installedModels';
import { readOnnxInputs } from '../../simulation/modelInputs';
import { FIXTURE_MODEL_DIR } from '../../stt/modelLocation';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';

const APP_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `models list | pull ID [--allow-unverified] | verify [ID]`. */
export async function modelsCommand({ values, positionals }: ParsedArgs): Promise<number> {
  const [action, id] = positionals;
  const modelsDir = userDataPaths(userDataDir()).models;
  const json = values['json'] === true;
  if (action === 'list' || action === undefined) {
    if (id !== undefined) throw new UsageError(`models list takes no argument, got "${id}"`);
    return list(modelsDir, json);
  }
  if (action === 'pull') {
    if (id === undefined)
      throw new UsageError(`models pull needs an id: ${MODEL_CATALOG.map((e) => e.id).join(', ')}`);
    return pull(id, modelsDir, values['allow-unverified'] === true);
  }
  if (action === 'verify') return verify(modelsDir, id, json);
  throw new UsageError(`unknown models action "${action}" (try: list, pull ID, verify [ID])`);
}

async function list(modelsDir: string, json: boolean): Promise<number> {
  const installed = await listInstalledModels(modelsDir);
  if (json) {
    process.stdout.write(`${JSON.stringify({ modelsDir, installed, catalog: MODEL_CATALOG })}\n`);
    return 0;
  }
  const have = new Set(installed.map((m) => m.id));
  process.stdout.write(`Models folder: ${modelsDir}\n`);
  for (const e of MODEL_CATALOG) {
    const mark = have.has(e.id) ? 'installed' : e.bundledDir !== undefined ? 'bundled' : 'available';
    const size = await catalogSize(e);
    const mib =
      size === null ? 'size unknown' : `${(size / 1048576).toFixed(size < 10 * 1048576 ? 1 : 0)} MiB`;
    process.stdout.write(`  ${e.id.padEnd(28)} ${mark.padEnd(10)} ${mib.padStart(12)}  ${e.title}\n`);
  }
  for (const m of installed.filter((x) => x.catalog === null)) {
    process.stdout.write(
      `  ${m.id.padEnd(28)} installed  (not in the catalog)${m.problem ? ` — ${m.problem}` : ''}\n`,
    );
  }
  if (installed.length === 0) process.stdout.write(`${NOTHING_INSTALLED}\n`);
  return 0;
}

const NOTHING_INSTALLED =
  'No models installed: dictation uses the bundled tiny-ctc (its 44-word vocabulary only). ' +
  'Install one with: swictation models pull parakeet-tdt-0.6b-v2-int8';

/** Download size, or for a bundled model the size of the files the app carries. */
async function catalogSize(e: CatalogEntry): Promise<number | null> {
  if (e.bundledDir === undefined) return downloadBytes(e);
  const dir = bundledModelDir(e);
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(
    names.map((n) => stat(path.join(dir, n)).then((st) => (st.isFile() ? st.size : 0))),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

/** Where the app carries a bundled model (inside the packaged app's resources when packaged). */
function bundledModelDir(e: CatalogEntry): string {
  if (e.id === 'tiny-ctc') return FIXTURE_MODEL_DIR;
  return path.join(APP_ROOT, e.bundledDir ?? '');
}

async function pull(id: string, modelsDir: string, allowUnverified: boolean): Promise<number> {
  let entry;
  try {
    entry = catalogEntry(id);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (entry.bundledDir !== undefined) {
    await installBundledModel(entry, { appRoot: APP_ROOT, modelsDir });
    process.stdout.write(`installed ${id} (bundled with the app)\n`);
    return 0;
  }
  const progress = (p: DownloadProgress) => {
    const pct = p.total ? ` ${((p.bytes / p.total) * 100).toFixed(1)}%` : '';
    process.stderr.write(`\r${p.phase} ${p.file}${pct} (${Math.round(p.bytes / 1048576)} MiB)   `);
  };
  await downloadModel(entry, { modelsDir, onProgress: progress, allowUnverified });
  process.stderr.write('\n');
  process.stdout.write(`installed ${id} in ${modelsDir}\n`);
  return 0;
}

interface VerifyLine extends VerifyResult {
  /** Checked where the app carries it, not in the models folder. */
  bundled?: true;
}

/**
 * Installed models against their install.json; a bundled model that is not installed is checked where the
 * app carries it, so `verify` and `list` agree about it.
 */
async function verify(modelsDir: string, id: string | undefined, json: boolean): Promise<number> {
  const all = await listInstalledModels(modelsDir);
  const installed = all.filter((m) => id === undefined || m.id === id);
  const bundled = MODEL_CATALOG.filter(
    (e) => e.bundledDir !== undefined && (id === undefined || e.id === id) && !all.some((m) => m.id === e.id),
  );
  if (id !== undefined && installed.length === 0 && bundled.length === 0) {
    const names = all.map((m) => m.id).join(', ') || 'none';
    throw new UsageError(`model "${id}" is not installed in ${modelsDir} (installed: ${names})`);
  }
  const results: VerifyLine[] = [];
  for (const m of installed) results.push(await verifyInstalledModel(m.dir));
  for (const e of bundled) results.push(await verifyBundled(e));
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  else printVerify(results, id === undefined && all.length === 0 ? modelsDir : null);
  return results.every((r) => r.ok) ? 0 : 1;
}

function printVerify(results: VerifyLine[], emptyDir: string | null): void {
  if (emptyDir !== null) process.stdout.write(`No models installed in ${emptyDir}.\n`);
  for (const r of results) {
    const what = r.bundled
      ? `bundled with the app: ${r.ok ? 'ok' : 'DAMAGED'}`
      : !r.verifiable
        ? 'not verifiable (no install.json)'
        : r.ok
          ? 'ok'
          : 'DAMAGED';
    process.stdout.write(`${r.id}: ${what}\n`);
    for (const p of r.problems)
      process.stdout.write(`  ${p.file}: ${p.kind} (expected ${p.expected}, found ${p.actual})\n`);
  }
}

/** A bundled model has no checksums: its config must parse and every .onnx file must be an ONNX model. */
async function verifyBundled(e: CatalogEntry): Promise<VerifyLine> {
  const dir = bundledModelDir(e);
  const problems: VerifyProblem[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.includes('config.json')) {
    problems.push({ file: 'config.json', kind: 'missing', expected: 'a model config', actual: 'no file' });
  }
  const onnx = names.filter((n) => n.endsWith('.onnx'));
  if (onnx.length === 0)
    problems.push({ file: '*.onnx', kind: 'missing', expected: 'a model', actual: 'no file' });
  for (const name of onnx) {
    await readOnnxInputs(path.join(dir, name)).catch((error: unknown) =>
      problems.push({ file: name, kind: 'checksum', expected: 'an ONNX model', actual: String(error) }),
    );
  }
  return { id: e.id, verifiable: true, ok: problems.length === 0, problems, bundled: true };
}
