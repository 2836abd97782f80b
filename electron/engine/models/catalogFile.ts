/**
 * Extra catalog entries from a JSON file (`--catalog FILE`): a mirror inside an organisation, or a test server.
 * Same shape as the built-in catalog; every file needs its size and SHA-256 (a mirror has the bytes, so it
 * can publish them), and URLs must be http(s).
 */
import { z } from 'zod';
import { readTextFileSafely } from '../runtime/safeFile';
import { MODEL_CATALOG, type CatalogEntry } from './catalog';

const plainName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const fileSchema = z.strictObject({
  name: z.string().regex(plainName, { error: 'a file name must be a plain name (letters, digits, . _ -)' }),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'sha256 must be 64 lowercase hex digits' }),
});

const entrySchema = z.strictObject({
  id: z.string().regex(plainName, { error: 'id must be a plain name (letters, digits, . _ -)' }),
  title: z.string().min(1).max(200),
  family: z.enum(['nemo-ctc', 'nemo-tdt']),
  language: z.string().min(1).max(20),
  licence: z.strictObject({ name: z.string(), url: z.string() }),
  source: z.string(),
  expectedVramMiB: z.number().positive(),
  files: z.array(fileSchema).min(1),
  notes: z.string().optional(),
});

const catalogSchema = z.array(entrySchema);
/** A catalog is a few KiB of JSON; a FIFO or a device given as --catalog must not stall the engine's start. */
const CATALOG_MAX_BYTES = 4 * 1024 * 1024;

export async function readCatalogFile(file: string): Promise<CatalogEntry[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readTextFileSafely(file, { maxBytes: CATALOG_MAX_BYTES, followSymlinks: true }));
  } catch (error) {
    throw new Error(`catalog ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`catalog ${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  const seen = new Set(MODEL_CATALOG.map((e) => e.id));
  for (const e of parsed.data) {
    if (seen.has(e.id)) throw new Error(`catalog ${file}: model id "${e.id}" is listed twice`);
    seen.add(e.id);
  }
  return parsed.data.map((e) => ({ ...e, files: e.files.map((f) => ({ ...f })) }));
}
