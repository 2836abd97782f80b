import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../build/app/bundle';

/**
 * Bundles Electron's main process and preload (tsx cannot run inside Electron's main) with the app's
 * own bundler (build/app/bundle.ts, `npm run build:app`): main → out/app/main/index.mjs, preload →
 * out/app/preload/index.cjs. The renderer is built separately (`npm run build:renderer`). In a checkout
 * main forks electron/main/engineBoot.mjs, which runs the engine's sources through tsx.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function buildMainAndPreload(root = ROOT): Promise<{ main: string; preload: string }> {
  const { main, preload } = await bundleApp({ root, renderer: false });
  return { main, preload };
}
