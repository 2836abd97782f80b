// The renderer as it was at an earlier commit, built beside today's, so one benchmark run can measure both on
// the same machine under the same load. `git archive` (not a worktree): nothing is added to the repository's
// metadata, and only the files the renderer build reads are extracted.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildRenderer } from '../electron/web/rendererBuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** What `vite build --config build/vite.renderer.config.ts` reads: the sources, the config and its tsconfigs. */
const BUILD_INPUTS = [
  'renderer',
  'shared',
  'build/vite.renderer.config.ts',
  'build/tsconfig.base.json',
  'tsconfig.json',
  'package.json',
];

const run = promisify(execFile);

export interface BuiltRenderer {
  /** The commit, abbreviated, that `ref` named when it was built. */
  commit: string;
  /** The built files (index.html and assets), for the harness's `rendererDir`. */
  dir: string;
  remove: () => Promise<void>;
}

/** Build the renderer of commit `ref` into a temporary folder (removed by `remove`). */
export async function buildRendererAt(ref: string): Promise<BuiltRenderer> {
  const { stdout } = await run('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: ROOT });
  const commit = stdout.trim();
  const root = await mkdtemp(path.join(os.tmpdir(), `swictation-renderer-${commit}-`));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const archive = path.join(root, 'src.tar');
    await run('git', ['archive', '--format=tar', '-o', archive, commit, ...BUILD_INPUTS], { cwd: ROOT });
    await run('tar', ['-xf', archive, '-C', root]);
    // Today's installed packages: the benchmark compares the app's code, not its dependencies' versions.
    await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    await buildRenderer(root);
    return { commit, dir: path.join(root, 'out/renderer'), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
