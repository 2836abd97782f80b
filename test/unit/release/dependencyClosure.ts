import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface InstalledPackage {
  name: string;
  /** The package's folder as installed. */
  dir: string;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'package.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Where Node would find `name` from `fromDir`: the nearest node_modules above it that holds it. */
function locate(name: string, fromDir: string, root: string): string | null {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

/**
 * The production dependency closure of the project at `root` as installed: `dependencies` of its
 * package.json, then each package's `dependencies` and installed `optionalDependencies` (koffi ships its
 * native addon as one optional package per platform), resolved the way Node resolves them. A missing
 * required dependency is an error: the package would be incomplete.
 */
export function productionClosure(root: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (fromDir: string, manifest: Manifest) => {
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
      ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ];
    for (const { name, optional } of wanted) {
      const dir = locate(name, fromDir, root);
      if (dir === null) {
        if (optional) continue;
        throw new Error(`${name} (needed by ${fromDir}) is not installed: run npm ci`);
      }
      if (found.has(dir)) continue;
      found.set(dir, { name, dir });
      visit(dir, readManifest(dir));
    }
  };
  visit(root, readManifest(root));
  return [...found.values()];
}
