/**
 * Installs a catalog model into <models>/<id>/:
 *  - each file downloads into <models>/.partial-<id>/<name>.partial, resuming with HTTP Range after a dropped
 *    connection (the partial stays for the next attempt);
 *  - each file is checked against its published size and SHA-256 before it counts; a mismatch deletes it;
 *  - only when every file is verified does the staged folder replace <models>/<id> (two renames), so nothing
 *    half-written is ever installed and a previous good install stays until the new one is complete (a kill
 *    between the renames is repaired at the next start: installRecovery.ts);
 *  - nothing under models/ is followed: a link where the staging folder or a partial goes is removed;
 *  - every request is bounded: the published size (or a ceiling for files of unknown size), an overall
 *    deadline and a minimum rate (downloadPace.ts), no https → http redirect, a resume checked to start
 *    where asked (downloadHttp.ts).
 * Dot-prefixed working folders are not models (locateModel and listInstalledModels skip them).
 */
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CatalogEntry, CatalogFile } from './catalog';
import { hashFile, INSTALL_MANIFEST, manifestText, type InstallManifest } from './downloadManifest';
import {
  httpGet,
  HttpStatusError,
  InsecureRedirectError,
  ResumeMismatchError,
  StallError,
} from './downloadHttp';
import {
  DEFAULT_DEADLINE_MS,
  DEFAULT_MIN_BYTES_PER_SECOND,
  DEFAULT_RATE_WINDOW_MS,
  PaceGuard,
  type PaceLimits,
} from './downloadPace';

export interface DownloadProgress {
  modelId: string;
  file: string;
  /** 'verify' while an earlier partial download is re-hashed before resuming. */
  phase: 'download' | 'verify';
  /** This model's bytes on disk so far, resumed bytes included; never decreases within one call. */
  bytes: number;
  /** All files' published sizes summed, or null when one is unknown. */
  total: number | null;
  fileBytes: number;
  fileTotal: number | null;
}

export type DownloadErrorCode =
  | 'unverified' // the catalog has no confirmed checksum and the user did not allow that
  | 'not-found' // HTTP 404
  | 'http' // another HTTP error status
  | 'no-space' // ENOSPC, or too little free space to start
  | 'checksum' // SHA-256 differs: the file was deleted
  | 'size' // more bytes than published: the file was deleted
  | 'connection' // dropped, refused, stalled: the partial is kept, the next attempt resumes
  | 'aborted' // the caller's signal: the partial is kept
  | 'busy'; // this model is already being installed

export class ModelDownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }

  /** A later attempt can succeed without anything changing (it resumes). */
  get retryable(): boolean {
    return this.code === 'connection' || this.code === 'aborted' || this.code === 'busy';
  }
}

export interface DownloadOptions {
  /** <userData>/models */
  modelsDir: string;
  onProgress?: (p: DownloadProgress) => void;
  /** Install files whose checksum the catalog could not confirm (their hash is recorded as computed). */
  allowUnverified?: boolean;
  signal?: AbortSignal;
  /** Fail a request that sends nothing for this long. Default 30 s. */
  stallMs?: number;
  /** Free bytes where the model goes; statfs by default (tests inject a small number). */
  freeBytes?: (dir: string) => Promise<number | null>;
  /** Minimum gap between progress events for one file, ms. Default 100; the last event always comes. */
  progressIntervalMs?: number;
  /**
   * The most bytes taken for a file whose size the catalog does not publish. Default 4 GiB, and never more
   * than the free space less a margin: an endless body must not fill the disk.
   */
  unknownSizeLimit?: number;
  /** The whole download must be done within this. Default 6 h. */
  deadlineMs?: number;
  /** Slower than this, averaged over `rateWindowMs` (default 60 s), fails. Default 4 KiB/s. */
  minBytesPerSecond?: number;
  rateWindowMs?: number;
}

export const UNKNOWN_SIZE_LIMIT = 4 * 1024 ** 3;
/** Left free on the disk when a file of unknown size is written. */
const FREE_SPACE_MARGIN = 256 * 1024 ** 2;

const inFlight = new Set<string>();

export async function downloadModel(entry: CatalogEntry, opts: DownloadOptions): Promise<InstallManifest> {
  if (entry.bundledDir !== undefined) {
    throw new Error(`${entry.id} ships with the app: use installBundledModel, there is nothing to download`);
  }
  const unconfirmed = entry.files.filter((f) => f.unverified === true || f.sha256 === null);
  if (unconfirmed.length > 0 && opts.allowUnverified !== true) {
    throw new ModelDownloadError(
      'unverified',
      `${entry.id}: no confirmed checksum for ${unconfirmed.map((f) => f.name).join(', ')}; ` +
        `install it only if you trust the source (${entry.source}) by allowing unverified files`,
    );
  }
  if (!isPlainName(entry.id) || entry.id.startsWith('.')) throw new Error(`"${entry.id}" is not a model id`);
  const unsafe = entry.files.find((f) => !isPlainName(f.name));
  if (unsafe) throw new Error(`${entry.id}: file name "${unsafe.name}" is not a plain file name`);
  return exclusive(entry.id, async () => {
    const staging = stagingDir(opts.modelsDir, entry.id);
    await realFolder(staging);
    await dropStrays(staging, entry);
    await checkSpace(entry, staging, opts);
    const progress = new ProgressTracker(entry, opts);
    const pace: PaceLimits = {
      deadlineAt: performance.now() + (opts.deadlineMs ?? DEFAULT_DEADLINE_MS),
      minBytesPerSecond: opts.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
      windowMs: opts.rateWindowMs ?? DEFAULT_RATE_WINDOW_MS,
    };
    const files: InstallManifest['files'] = [];
    for (const file of entry.files) {
      const got = await fetchFile(entry, file, staging, { ...opts, pace }, progress);
      files.push({ name: file.name, ...got, checked: file.sha256 !== null ? 'catalog' : 'computed' });
    }
    return finishInstall(entry, 'download', files, staging, opts.modelsDir);
  });
}

/** Every file is in staging and checked: record what was installed, then swap the folder in at once. */
async function finishInstall(
  entry: CatalogEntry,
  source: InstallManifest['source'],
  files: InstallManifest['files'],
  staging: string,
  modelsDir: string,
): Promise<InstallManifest> {
  const manifest: InstallManifest = {
    v: 1,
    id: entry.id,
    family: entry.family,
    installedAt: new Date().toISOString(),
    source,
    files,
  };
  await writeFile(path.join(staging, INSTALL_MANIFEST), manifestText(manifest));
  await swapIn(modelsDir, entry.id, staging);
  return manifest;
}

/** Installs a model that ships with the app (entry.bundledDir, relative to `appRoot`): copy, hash, swap in. */
export async function installBundledModel(
  entry: CatalogEntry,
  opts: { appRoot: string; modelsDir: string },
): Promise<InstallManifest> {
  if (entry.bundledDir === undefined) throw new Error(`${entry.id} is not bundled: download it`);
  const from = path.resolve(opts.appRoot, entry.bundledDir);
  return exclusive(entry.id, async () => {
    const staging = stagingDir(opts.modelsDir, entry.id);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const names = await readdir(from, { withFileTypes: true }).catch((error: unknown) => {
      throw new Error(`bundled model folder ${from} is unreadable: ${messageOf(error)}`);
    });
    const files: InstallManifest['files'] = [];
    for (const d of names.filter((n) => n.isFile() && n.name !== INSTALL_MANIFEST)) {
      await copyFile(path.join(from, d.name), path.join(staging, d.name)).catch((error: unknown) => {
        throw fsError(error, d.name, staging);
      });
      files.push({ name: d.name, ...(await hashFile(path.join(staging, d.name))), checked: 'computed' });
    }
    return finishInstall(entry, 'bundled', files, staging, opts.modelsDir);
  });
}

/**
 * Files an earlier attempt left that this entry does not list (an older catalog) must not be installed, and
 * nothing but a regular file may stand where a download goes: a link planted there would send the bytes
 * (or an append) to its target. rm removes such an entry itself, never what it points to.
 */
async function dropStrays(staging: string, entry: CatalogEntry): Promise<void> {
  const keep = new Set(entry.files.flatMap((f) => [f.name, `${f.name}.partial`]));
  for (const e of await readdir(staging, { withFileTypes: true })) {
    if (!keep.has(e.name) || !e.isFile())
      await rm(path.join(staging, e.name), { recursive: true, force: true });
  }
}

/** The staging folder, as a real folder: a link or a file planted under its name is removed, not followed. */
async function realFolder(dir: string): Promise<void> {
  const found = await lstat(dir).catch(() => null);
  if (found && !found.isDirectory()) await rm(dir, { force: true });
  await mkdir(dir, { recursive: true });
}

function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\]/.test(name) && name !== INSTALL_MANIFEST;
}

export function stagingDir(modelsDir: string, id: string): string {
  return path.join(modelsDir, `.partial-${id}`);
}

async function exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
  if (inFlight.has(id)) throw new ModelDownloadError('busy', `${id} is already being installed`);
  inFlight.add(id);
  try {
    return await work();
  } finally {
    inFlight.delete(id);
  }
}

/** Replaces <models>/<id> with the staged folder; the old install is restored if the swap fails. */
async function swapIn(modelsDir: string, id: string, staging: string): Promise<void> {
  const target = path.join(modelsDir, id);
  const old = path.join(modelsDir, `.old-${id}-${process.pid}-${Date.now()}`);
  const hadOld = (await lstat(target).catch(() => null)) !== null;
  if (hadOld) await rename(target, old);
  try {
    await rename(staging, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

async function checkSpace(entry: CatalogEntry, staging: string, opts: DownloadOptions): Promise<void> {
  let needed = 0;
  for (const f of entry.files) {
    if (f.bytes === null) continue;
    const have =
      (await sizeOf(path.join(staging, f.name))) ?? (await sizeOf(partialPath(staging, f.name))) ?? 0;
    needed += Math.max(0, f.bytes - have);
  }
  const free = await (opts.freeBytes ?? diskFree)(staging);
  if (free !== null && free < needed) {
    throw new ModelDownloadError(
      'no-space',
      `${entry.id} needs ${mib(needed)} MiB more in ${opts.modelsDir}, only ${mib(free)} MiB are free`,
    );
  }
}

/**
 * The ceiling for a file of unknown size: the stated limit, and never past what is already on disk (`have`,
 * a partial being resumed) plus the free space less a margin.
 */
async function unknownSizeLimit(staging: string, have: number, opts: DownloadOptions): Promise<number> {
  const stated = opts.unknownSizeLimit ?? UNKNOWN_SIZE_LIMIT;
  const free = await (opts.freeBytes ?? diskFree)(staging);
  return free === null ? stated : Math.max(0, Math.min(stated, have + free - FREE_SPACE_MARGIN));
}

async function diskFree(dir: string): Promise<number | null> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null; // unknown: the write itself will say ENOSPC
  }
}

function partialPath(staging: string, name: string): string {
  return path.join(staging, `${name}.partial`);
}

/** What one download's files share: the options and the pace limits, counted from the download's start. */
type FetchOptions = DownloadOptions & { pace: PaceLimits };

/** One file into the staging folder, verified. Returns what the manifest records. */
async function fetchFile(
  entry: CatalogEntry,
  file: CatalogFile,
  staging: string,
  opts: FetchOptions,
  progress: ProgressTracker,
): Promise<{ bytes: number; sha256: string }> {
  const done = path.join(staging, file.name);
  const partial = partialPath(staging, file.name);
  const finished = await sizeOf(done);
  // A file renamed from .partial was verified by an earlier attempt that failed on a later file.
  if (finished !== null && (file.bytes === null || finished === file.bytes)) {
    const { sha256 } = await hashFile(done, (n) => progress.file(file, n, 'verify'));
    if (file.sha256 === null || sha256 === file.sha256) return { bytes: finished, sha256 };
  }
  if (finished !== null) await rm(done, { force: true });

  let have = (await sizeOf(partial)) ?? 0;
  if (file.bytes !== null && have > file.bytes) {
    await rm(partial, { force: true });
    have = 0;
  }
  // The bytes already on disk go into the hash before asking for the rest. (Hashing after the response
  // headers arrive could outlast the stall timeout on a multi-gigabyte partial.)
  const resumed = createHash('sha256');
  if (have > 0) await hashFile(partial, (n) => progress.file(file, n, 'verify'), resumed);
  const got =
    file.bytes !== null && have === file.bytes
      ? { bytes: have, hash: resumed }
      : await receive(entry, file, partial, have, resumed, opts, progress);
  const sha256 = got.hash.digest('hex');
  if (file.bytes !== null && got.bytes !== file.bytes) {
    // Fewer bytes than published and no error: the server ended early; keep the partial and resume later.
    throw new ModelDownloadError(
      'connection',
      `${file.name}: the connection ended after ${got.bytes} of ${file.bytes} bytes; try again to resume`,
      file.name,
    );
  }
  if (file.sha256 !== null && sha256 !== file.sha256) {
    await rm(partial, { force: true });
    throw new ModelDownloadError(
      'checksum',
      `${file.name} failed its checksum (expected sha256 ${file.sha256}, got ${sha256}); ` +
        `it was deleted and nothing was installed`,
      file.name,
    );
  }
  await rename(partial, done);
  return { bytes: got.bytes, sha256 };
}

/** Fetches what `partial` lacks (all of it when the server will not resume); returns its size and hash. */
async function receive(
  entry: CatalogEntry,
  file: CatalogFile,
  partial: string,
  have: number,
  resumed: Hash,
  opts: FetchOptions,
  progress: ProgressTracker,
  retried = false,
): Promise<{ bytes: number; hash: Hash }> {
  const limit = file.bytes ?? (await unknownSizeLimit(path.dirname(partial), have, opts));
  let res;
  try {
    res = await httpGet(file.url, { start: have, stallMs: opts.stallMs ?? 30_000, signal: opts.signal });
  } catch (error) {
    throw opts.signal?.aborted
      ? new ModelDownloadError('aborted', `download of ${entry.id} was cancelled`, file.name)
      : networkError(error, file, entry);
  }
  if (res.status === 416) {
    // Nothing after `have`: the partial is whole if the server's size agrees, else start over once.
    if (res.totalBytes === have) return { bytes: have, hash: resumed };
    if (retried)
      throw new ModelDownloadError('http', `${file.name}: the server refuses every byte range`, file.name);
    await rm(partial, { force: true });
    return receive(entry, file, partial, 0, createHash('sha256'), opts, progress, true);
  }
  const offered = offerProblem(file, res.totalBytes, limit);
  if (offered !== null) {
    res.body.destroy();
    throw new ModelDownloadError('size', `${file.name}: ${offered}; not downloaded`, file.name);
  }
  // 206 continues the partial; 200 (a server that ignores Range) is the whole file again.
  const fromStart = res.offset !== have;
  const hash = fromStart ? createHash('sha256') : resumed;
  let received = fromStart ? 0 : have;
  const pace = new PaceGuard(opts.pace);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > limit) {
        callback(new ModelDownloadError('size', tooLarge(file, limit), file.name));
        return;
      }
      const slow = pace.add(chunk.length);
      if (slow !== null) {
        const why = `${file.name} of ${entry.id}: ${slow}; the partial download is kept, try again to resume`;
        callback(new ModelDownloadError('connection', why, file.name));
        return;
      }
      hash.update(chunk);
      progress.file(file, received, 'download');
      callback(null, chunk);
    },
  });
  // O_NOFOLLOW: whatever was checked before, a link that appeared under the partial's name is not written through.
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (fromStart ? constants.O_TRUNC : constants.O_APPEND);
  try {
    const out = await open(partial, flags, 0o644);
    await pipeline(res.body, counter, out.createWriteStream());
  } catch (error) {
    res.body.destroy(); // an open that failed never read it: free the socket
    if (error instanceof ModelDownloadError) {
      // Too large: the bytes are not the file. Too slow: they are, and the next attempt resumes from them.
      if (error.code === 'size') await rm(partial, { force: true });
      throw error;
    }
    if (isNoSpace(error)) {
      // Keeping them would keep the disk full; a later attempt starts over.
      await rm(partial, { force: true });
      throw fsError(error, file.name, path.dirname(partial));
    }
    // The signal, not the error's shape, says whether the user cancelled: a socket torn down by the abort
    // surfaces as a plain "aborted" connection error.
    throw opts.signal?.aborted
      ? new ModelDownloadError(
          'aborted',
          `download of ${entry.id} was cancelled after ${received} bytes of ${file.name}`,
          file.name,
        )
      : transferError(error, file, entry, received);
  }
  progress.file(file, received, 'download', true);
  return { bytes: received, hash };
}

/** Why a server's stated size is refused before any byte is taken, or null. */
function offerProblem(file: CatalogFile, total: number | null, limit: number): string | null {
  if (total === null) return null;
  if (file.bytes !== null && total !== file.bytes) {
    return `the server offers ${total} bytes, the catalog says ${file.bytes}`;
  }
  return total > limit ? `the server offers ${total} bytes, more than the ${limit} allowed` : null;
}

function tooLarge(file: CatalogFile, limit: number): string {
  return file.bytes !== null
    ? `${file.name} is larger than the published ${file.bytes} bytes`
    : `${file.name} has no published size and passed the ceiling of ${limit} bytes (4 GiB at most, and never past the free space); the partial file was deleted`;
}

function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function networkError(error: unknown, file: CatalogFile, entry: CatalogEntry): Error {
  if (error instanceof ResumeMismatchError || error instanceof InsecureRedirectError) {
    return new ModelDownloadError('http', `${file.name} of ${entry.id}: ${error.message}`, file.name);
  }
  if (error instanceof HttpStatusError) {
    return error.status === 404
      ? new ModelDownloadError(
          'not-found',
          `${file.name} of ${entry.id} was not found (HTTP 404 at ${error.url})`,
          file.name,
        )
      : new ModelDownloadError(
          'http',
          `${file.name} of ${entry.id}: HTTP ${error.status} at ${error.url}`,
          file.name,
        );
  }
  if (isAbort(error))
    return new ModelDownloadError('aborted', `download of ${entry.id} was cancelled`, file.name);
  const why = error instanceof StallError ? error.message : messageOf(error);
  return new ModelDownloadError(
    'connection',
    `${file.name} of ${entry.id}: cannot download (${why}); try again`,
    file.name,
  );
}

function transferError(error: unknown, file: CatalogFile, entry: CatalogEntry, received: number): Error {
  if (isAbort(error)) {
    return new ModelDownloadError(
      'aborted',
      `download of ${entry.id} was cancelled after ${received} bytes of ${file.name}`,
      file.name,
    );
  }
  return new ModelDownloadError(
    'connection',
    `${file.name} of ${entry.id}: the connection dropped after ${received} bytes (${messageOf(error)}); ` +
      `try again to resume`,
    file.name,
  );
}

function fsError(error: unknown, name: string, dir: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ModelDownloadError('no-space', `no space left in ${dir} while writing ${name}`, name);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (error as NodeJS.ErrnoException).code === 'ABORT_ERR')
  );
}

/** Aggregates per-file progress into monotonic per-model events, rate-limited. */
class ProgressTracker {
  private readonly doneBefore = new Map<string, number>();
  private readonly lastAt = new Map<string, number>();
  private reported = 0;
  private readonly total: number | null;

  constructor(
    private readonly entry: CatalogEntry,
    private readonly opts: DownloadOptions,
  ) {
    this.total = entry.files.every((f) => f.bytes !== null)
      ? entry.files.reduce((s, f) => s + (f.bytes ?? 0), 0)
      : null;
  }

  file(f: CatalogFile, fileBytes: number, phase: DownloadProgress['phase'], final = false): void {
    this.doneBefore.set(f.name, fileBytes);
    const now = performance.now();
    const last = this.lastAt.get(f.name);
    const interval = this.opts.progressIntervalMs ?? 100;
    const complete = final || (f.bytes !== null && fileBytes === f.bytes);
    if (!complete && last !== undefined && now - last < interval) return;
    this.lastAt.set(f.name, now);
    let bytes = 0;
    for (const n of this.doneBefore.values()) bytes += n;
    // Never report going backwards (a restarted file): hold the high-water mark until it is passed.
    this.reported = Math.max(this.reported, bytes);
    this.opts.onProgress?.({
      modelId: this.entry.id,
      file: f.name,
      phase,
      bytes: this.reported,
      total: this.total,
      fileBytes,
      fileTotal: f.bytes,
    });
  }
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

function mib(bytes: number): number {
  return Math.ceil(bytes / (1024 * 1024));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
