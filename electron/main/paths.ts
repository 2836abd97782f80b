import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the app's pieces are at run time, relative to the app root. Bundled layout (`npm run build:app`):
 *   out/main/index.mjs       this process (esbuild from electron/main/index.ts)
 *   out/preload/index.cjs    the preload (CommonJS: sandboxed preloads cannot be ES modules)
 *   out/renderer/index.html  the renderer (vite)
 *   out/engine/main.mjs      the engine, when bundled; otherwise the TypeScript sources are run
 *                            through tsx by electron/main/engineBoot.mjs (development)
 */
export interface AppPaths {
  rendererIndex: string;
  preload: string;
  engineEntry: string;
}

export function appPaths(appRoot: string, exists: (file: string) => boolean): AppPaths {
  const bundledEngine = path.join(appRoot, 'out', 'engine', 'main.mjs');
  return {
    rendererIndex: path.join(appRoot, 'out', 'renderer', 'index.html'),
    preload: path.join(appRoot, 'out', 'preload', 'index.cjs'),
    engineEntry: exists(bundledEngine)
      ? bundledEngine
      : path.join(appRoot, 'electron', 'main', 'engineBoot.mjs'),
  };
}

/**
 * The app root from this module's own URL: the bundle (out/main/index.mjs) and the source
 * (electron/main/index.ts) both sit two folders below it. Unlike app.getAppPath(), this does not
 * depend on how Electron was started (`electron .`, `electron out/main/index.mjs`, packaged).
 */
export function appRootFrom(moduleUrl: string): string {
  return fileURLToPath(new URL('../..', moduleUrl));
}
