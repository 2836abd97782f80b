/**
 * One HTTP(S) GET that may ask for the rest of a file (Range: bytes=N-) and follows redirects (Hugging Face
 * answers /resolve/ with a redirect to its CDN). node:http rather than fetch: a dropped connection, a stalled
 * socket and an abort each surface as a distinct, catchable error on a plain stream.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface GetOptions {
  /** Ask for bytes from here on (0: the whole file). */
  start: number;
  /** No byte for this long fails the request (the partial file is kept for a resume). */
  stallMs: number;
  signal?: AbortSignal | undefined;
  maxRedirects?: number;
}

export interface GetResponse {
  status: number;
  body: IncomingMessage;
  /** Where the body starts in the file: `start` for 206, 0 for 200. */
  offset: number;
  /** The whole file's size when the server said (Content-Range total, or Content-Length of a 200). */
  totalBytes: number | null;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} for ${url}`);
    this.name = 'HttpStatusError';
  }
}

/**
 * A partial answer (206) that does not start where we asked: appending it would put bytes at the wrong
 * place in the file, so it is refused whatever the server meant.
 */
export class ResumeMismatchError extends Error {
  constructor(
    readonly asked: number,
    readonly got: number | null,
    readonly url: string,
  ) {
    super(
      `asked for the file from byte ${asked}, the server answered ${got === null ? 'a partial body without a Content-Range' : `from byte ${got}`} (${url})`,
    );
    this.name = 'ResumeMismatchError';
  }
}

/** A redirect that would leave https for plain http (a downgrade anyone on the path could then rewrite). */
export class InsecureRedirectError extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`refused a redirect from https to plain http (${from} → ${to})`);
    this.name = 'InsecureRedirectError';
  }
}

/** Where a redirect goes, resolved against the current URL; never from https down to http. */
export function redirectTarget(current: string, location: string): string {
  const next = new URL(location, current);
  if (new URL(current).protocol === 'https:' && next.protocol !== 'https:') {
    throw new InsecureRedirectError(current, next.toString());
  }
  return next.toString();
}

export async function httpGet(url: string, opts: GetOptions): Promise<GetResponse> {
  let current = url;
  for (let hop = 0; hop <= (opts.maxRedirects ?? 8); hop++) {
    const res = await request(current, opts);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && location !== undefined) {
      res.resume(); // drain so the socket can be reused
      current = redirectTarget(current, location);
      continue;
    }
    if (status === 200 || status === 206) {
      const range = parseContentRange(res.headers['content-range']);
      if (status === 206 && range?.start !== opts.start) {
        res.destroy();
        throw new ResumeMismatchError(opts.start, range?.start ?? null, current);
      }
      const offset = status === 206 ? opts.start : 0;
      const length = Number(res.headers['content-length']);
      const total = range?.total ?? (status === 200 && Number.isFinite(length) ? length : null);
      return { status, body: res, offset, totalBytes: total };
    }
    if (status === 416) {
      // The file is already complete (or shorter than we think): the caller decides.
      res.resume();
      return {
        status,
        body: res,
        offset: opts.start,
        totalBytes: parseContentRange(res.headers['content-range'])?.total ?? null,
      };
    }
    res.resume();
    throw new HttpStatusError(status, current);
  }
  throw new Error(`too many redirects from ${url}`);
}

function request(url: string, opts: GetOptions): Promise<IncomingMessage> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (client === null) return Promise.reject(new Error(`unsupported URL ${url}`));
  const headers: Record<string, string> = { 'user-agent': 'swictation-model-downloader' };
  if (opts.start > 0) headers['range'] = `bytes=${opts.start}-`;
  return new Promise((resolve, reject) => {
    const req = client.get(target, { headers, signal: opts.signal }, resolve);
    // Covers the wait for headers and every gap in the body: a stalled CDN must not hang a download forever.
    req.setTimeout(opts.stallMs, () => req.destroy(new StallError(opts.stallMs)));
    req.on('error', reject);
  });
}

export class StallError extends Error {
  constructor(ms: number) {
    super(`no data for ${Math.round(ms / 1000)} s`);
    this.name = 'StallError';
  }
}

/** "bytes 100-199/1000" → {start 100, total 1000}; "bytes STAR/1000" (STAR is an asterisk) → {start null, total 1000}. */
export function parseContentRange(
  header: string | undefined,
): { start: number | null; total: number | null } | null {
  if (header === undefined) return null;
  const m = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header.trim());
  if (!m) return null;
  return {
    start: m[1] === undefined ? null : Number(m[1]),
    total: m[2] === undefined || m[2] === '*' ? null : Number(m[2]),
  };
}
