import path from 'node:path';

/**
 * Paths in the packaged app. There the engine's code sits inside `resources/app.asar`, an archive that
 * Electron's patched `fs` can read but native code cannot: onnxruntime opens model files with its own
 * file I/O. electron-builder puts the files it is told to unpack (`asarUnpack`) beside the archive in
 * `app.asar.unpacked/`, at the same relative path, and copies `extraResources` into `resources/`.
 * Outside a packaged app (sources, tests, the CLI, `out/app`) both functions leave paths alone.
 */
const ASAR_SEGMENT = /([\\/])app\.asar(?=[\\/]|$)/;

/** Where native code can open `file`: its unpacked copy when `file` is inside app.asar. */
export function unpackedPath(file: string): string {
  return file.replace(ASAR_SEGMENT, '$1app.asar.unpacked');
}

/** Electron's resources folder (the one holding app.asar) when `file` is inside app.asar, else null. */
export function packagedResourcesDir(file: string): string | null {
  const match = ASAR_SEGMENT.exec(file);
  return match ? file.slice(0, match.index) || path.sep : null;
}
