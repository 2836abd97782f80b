import { fileURLToPath } from 'node:url';
import { MODEL_CATALOG, catalogEntry, downloadBytes } from '../../models/catalog';
import { downloadModel, installBundledModel, type DownloadProgress } from '../../models/downloader';
import { listInstalledModels, verifyInstalledModel } from '../../models/installedModels';
import { userDataDir, userDataPaths } from '../../runtime/userDataDir';
import type { ParsedArgs } from '../main';
import { UsageError } from '../usageError';

const APP_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `models list | pull ID [--allow-unverified] | verify [ID]`. */
export async function modelsCommand({ values, positionals }: ParsedArgs): Promise<number> {
  const [action, id] = positionals;
  const modelsDir = userDataPaths(userDataDir()).models;
  const json = values['json'] === true;
  if (action === 'list' || action === undefined) return list(modelsDir, json);
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
    const size = downloadBytes(e);
    const mark = have.has(e.id) ? 'installed' : e.bundledDir !== undefined ? 'bundled' : 'available';
    const mib = size === null ? 'size unknown' : `${Math.round(size / 1048576)} MiB`;
    process.stdout.write(`  ${e.id.padEnd(28)} ${mark.padEnd(10)} ${mib.padStart(12)}  ${e.title}\n`);
  }
  for (const m of installed.filter((x) => x.catalog === null)) {
    process.stdout.write(
      `  ${m.id.padEnd(28)} installed  (not in the catalog)${m.problem ? ` — ${m.problem}` : ''}\n`,
    );
  }
  return 0;
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

async function verify(modelsDir: string, id: string | undefined, json: boolean): Promise<number> {
  const installed = (await listInstalledModels(modelsDir)).filter((m) => id === undefined || m.id === id);
  if (id !== undefined && installed.length === 0)
    throw new UsageError(`model "${id}" is not installed in ${modelsDir}`);
  let bad = 0;
  const results = [];
  for (const m of installed) {
    const r = await verifyInstalledModel(m.dir);
    results.push(r);
    if (!r.ok) bad++;
    if (!json) {
      const what = !r.verifiable ? 'not verifiable (no install.json)' : r.ok ? 'ok' : 'DAMAGED';
      process.stdout.write(`${m.id}: ${what}\n`);
      for (const p of r.problems)
        process.stdout.write(`  ${p.file}: ${p.kind} (expected ${p.expected}, found ${p.actual})\n`);
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return bad === 0 ? 0 : 1;
}
