/**
 * A file server on 127.0.0.1 (random port) that behaves like a CDN under test control: honours
 * `Range: bytes=N-` with 206, can drop the connection after N bytes on the first request for a file,
 * can ignore Range (200 with the whole file), answers 404 for unknown paths and redirects /r/<path>.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  data: Uint8Array;
  /** First request for this path: send the headers and this many bytes, then destroy the socket. */
  dropAfter?: number;
  ignoreRange?: boolean;
  /** Send the body slowly: `chunkBytes` every `everyMs` (progress bars and cancels need time to be seen). */
  pace?: { chunkBytes: number; everyMs: number };
}

export interface RequestLog {
  path: string;
  range: string | undefined;
  status: number;
}

export interface LoopbackServer {
  url(p: string): string;
  files: Map<string, ServedFile>;
  requests: RequestLog[];
  close(): Promise<void>;
}

export async function startLoopbackServer(files: Record<string, ServedFile> = {}): Promise<LoopbackServer> {
  const served = new Map(Object.entries(files));
  // Per served file, so a file set up again (a new test) drops again.
  const dropped = new WeakSet<ServedFile>();
  const requests: RequestLog[] = [];
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    const log = (status: number): void => {
      requests.push({ path: urlPath, range, status });
    };
    if (urlPath.startsWith('/r/')) {
      log(302);
      res.writeHead(302, { location: urlPath.slice(2) }).end();
      return;
    }
    const file = served.get(urlPath);
    if (!file) {
      log(404);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const size = file.data.byteLength;
    const m = range === undefined || file.ignoreRange ? null : /^bytes=(\d+)-$/.exec(range);
    const start = m ? Number(m[1]) : 0;
    if (m && start >= size) {
      log(416);
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const body = file.data.subarray(start);
    const status = m ? 206 : 200;
    log(status);
    res.writeHead(status, {
      'content-length': String(body.byteLength),
      'accept-ranges': 'bytes',
      ...(m ? { 'content-range': `bytes ${start}-${size - 1}/${size}` } : {}),
    });
    if (file.dropAfter !== undefined && !dropped.has(file)) {
      dropped.add(file);
      res.write(body.subarray(0, file.dropAfter), () => {
        // Let the bytes leave before cutting the connection mid-body.
        setTimeout(() => req.socket.destroy(), 20);
      });
      return;
    }
    if (file.pace) {
      sendPaced(res, body, file.pace);
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    files: served,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendPaced(
  res: ServerResponse,
  body: Uint8Array,
  pace: { chunkBytes: number; everyMs: number },
): void {
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed) {
      clearInterval(timer);
      return;
    }
    const end = Math.min(body.byteLength, offset + pace.chunkBytes);
    res.write(body.subarray(offset, end));
    offset = end;
    if (offset >= body.byteLength) {
      clearInterval(timer);
      res.end();
    }
  }, pace.everyMs);
  res.on('close', () => clearInterval(timer));
}
