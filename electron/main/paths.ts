import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the app's pieces are at run time, relative to the app root. Bundled layout (`npm run build:app`,
 * build/app/bundle.ts), which is also the layout inside the packaged app.asar:
 *   out/app/main/index.mjs       this process (esbuild from electron/main/index.ts)
 *   out/app/preload/index.cjs    the preload (CommonJS: sandboxed preloads cannot be ES modules)
 *   out/app/engine/main.mjs      the engine and, beside it, its worker threads and probe model
 *   out/renderer/index.html      the renderer (vite)
 * The engine's TypeScript sources win when they are there (a checkout: `electron .` runs the current
 * engine through tsx via electron/main/engineBoot.mjs, never a stale bundle); the packaged app ships
 * only the bundle.
 */
export interface AppPaths {
  rendererIndex: string;
  preload: string;
  engineEntry: string;
}

export function appPaths(appRoot: string, exists: (file: string) => boolean): AppPaths {
  const engineBoot = path.join(appRoot, 'electron', 'main', 'engineBoot.mjs');
  return {
    rendererIndex: path.join(appRoot, 'out', 'renderer', 'index.html'),
    preload: path.join(appRoot, 'out', 'app', 'preload', 'index.cjs'),
    engineEntry: exists(engineBoot) ? engineBoot : path.join(appRoot, 'out', 'app', 'engine', 'main.mjs'),
  };
}

/**
 * The app root from this module's own URL: the nearest folder above it that holds package.json (the
 * checkout for electron/main/index.ts and out/app/main/index.mjs, app.asar when packaged). Unlike
 * app.getAppPath(), this does not depend on how Electron was started (`electron .`, a path, packaged).
 */
export function appRootFrom(moduleUrl: string, exists: (file: string) => boolean = existsSync): string {
  const start = path.dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (exists(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`no package.json above ${start}: cannot find the app root`);
  }
}
