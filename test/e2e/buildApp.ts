import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles Electron's main process and preload with esbuild (tsx cannot run inside Electron's
 * main). main → out/main/index.mjs (ES module: Electron ≥ 28 loads it; import.meta.url finds the
 * app root); preload → out/preload/index.cjs (sandboxed preloads must be CommonJS). `electron` is
 * external in both: Electron provides it. The engine is not bundled here: without
 * out/engine/main.mjs, main forks electron/main/engineBoot.mjs, which runs the engine's sources through tsx.
 *
 *   npx tsx test/e2e/buildApp.ts        (the lead may move this to build/ as `npm run build:electron`)
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function buildMainAndPreload(root = ROOT): Promise<{ main: string; preload: string }> {
  const main = join(root, 'out', 'main', 'index.mjs');
  const preload = join(root, 'out', 'preload', 'index.cjs');
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    external: ['electron'],
    sourcemap: 'linked',
    logLevel: 'warning',
  };
  await build({
    ...common,
    entryPoints: [join(root, 'electron', 'main', 'index.ts')],
    outfile: main,
    format: 'esm',
    target: 'node22',
  });
  await build({
    ...common,
    entryPoints: [join(root, 'electron', 'preload', 'index.ts')],
    outfile: preload,
    format: 'cjs',
    target: 'chrome140',
  });
  return { main, preload };
}

const isEntry = import.meta.url === new URL(process.argv[1] ?? '', 'file:').href;
if (isEntry) {
  const out = await buildMainAndPreload();
  process.stdout.write(`built ${out.main}\nbuilt ${out.preload}\n`);
}
