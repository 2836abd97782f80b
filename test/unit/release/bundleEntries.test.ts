/**
 * The bundle lists every worker-thread entry and module-relative asset the engine opens: a new
 * startWorker(new URL('./x.ts', import.meta.url)) or new URL('./x.onnx', import.meta.url) in the engine
 * would otherwise be missing from out/app/engine.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ASSETS, WORKER_ENTRIES } from '../../../build/app/bundle';

const ENGINE = path.resolve(import.meta.dirname, '../../../electron/engine');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** `new URL('./name.ext', import.meta.url)` sites (the extension may be a template: `.${…}`), as engine-relative paths. */
function moduleRelativeUrls(): { file: string; target: string }[] {
  const site = /new URL\(\s*[`'"](\.{1,2}\/[\w./-]+?)\.(\w+|\$\{[^}]*\})[`'"]\s*,\s*import\.meta\.url/g;
  return sources(ENGINE).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(site)].map((m) => ({
      file,
      target: `${path.relative(ENGINE, path.resolve(path.dirname(file), m[1] ?? ''))}.${m[2] ?? ''}`,
    })),
  );
}

describe('what build/app/bundle.ts puts beside the engine', () => {
  it('every worker the engine starts is a bundled worker entry', () => {
    const workers = moduleRelativeUrls()
      .filter((u) => /startWorker\(|new Worker\(/.test(readFileSync(u.file, 'utf8')))
      .filter((u) => !u.target.endsWith('.mjs'))
      .map((u) => u.target.replace(/\.(ts|js|\$\{[^}]*\})$/, '.ts'));
    expect(workers.length).toBeGreaterThan(0);
    expect([...new Set(workers)].sort()).toEqual([...WORKER_ENTRIES].sort());
  });

  it('every data file the engine opens next to its own module is copied', () => {
    const assets = moduleRelativeUrls()
      .map((u) => u.target)
      .filter((t) => /\.(onnx|json|txt|bin)$/.test(t));
    expect(assets.sort()).toEqual([...ENGINE_ASSETS].sort());
  });
});
