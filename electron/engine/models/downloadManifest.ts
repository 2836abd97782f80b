/**
 * `install.json`, written into a model folder as the last step of an install: which files belong to it, their
 * sizes and SHA-256. A folder without it was not installed by the app (a user's own model folder); a folder
 * with it can be verified (installedModels.ts) and is checked for truncated files before loading.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readTextFileSafely } from '../runtime/safeFile';
import path from 'node:path';
import { z } from 'zod';

export const INSTALL_MANIFEST = 'install.json';

const manifestSchema = z.object({
  v: z.literal(1),
  id: z.string().min(1),
  family: z.enum(['nemo-ctc', 'nemo-tdt']),
  installedAt: z.string(),
  /** 'download': fetched and checked against the catalog; 'bundled': copied from the app. */
  source: z.enum(['download', 'bundled']),
  files: z.array(
    z.object({
      name: z.string().min(1),
      bytes: z.number().int().min(0),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      /** 'catalog': matched a published checksum; 'computed': recorded at install (no checksum was known). */
      checked: z.enum(['catalog', 'computed']),
    }),
  ),
});

export type InstallManifest = z.infer<typeof manifestSchema>;

/** The manifest of `dir`, or null when it has none; a damaged one is an error naming the file. */
export async function readInstallManifest(dir: string): Promise<InstallManifest | null> {
  const file = path.join(dir, INSTALL_MANIFEST);
  let text: string;
  try {
    // A manifest is a few KiB; a FIFO or a device under its name must not block listing or loading models.
    text = await readTextFileSafely(file, { maxBytes: 1024 * 1024, followSymlinks: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON: the install is damaged, reinstall the model`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`${file} is not an install manifest: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

export function manifestText(m: InstallManifest): string {
  return `${JSON.stringify(manifestSchema.parse(m), null, 2)}\n`;
}

/** SHA-256 and size of a file, streamed (model files reach gigabytes). */
export async function hashFile(
  file: string,
  onBytes?: (bytesSoFar: number) => void,
  /** Feed the bytes into this hash (to continue it later) instead of a fresh one. */
  into?: Hash,
): Promise<{ sha256: string; bytes: number }> {
  const hash = into ?? createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    onBytes?.(bytes);
  }
  // digest() would finalise a caller's hash: report a copy's digest then.
  return { sha256: (into ? hash.copy() : hash).digest('hex'), bytes };
}
