import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { fileFilter, nodeModulesFilter, type Macros } from './builderGlobs';
import { productionClosure } from './dependencyClosure';
import { nativeFilesIn } from './nativeFiles';

export type Target = 'linux' | 'darwin' | 'win32';

const CONFIG_KEY = { linux: 'linux', darwin: 'mac', win32: 'win' } as const;

/** A pattern list from the config; this project writes them as plain strings only. */
export function stringPatterns(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((p) => {
    if (typeof p !== 'string')
      throw new Error(`${what}: only string patterns are checked, got ${JSON.stringify(p)}`);
    return p;
  });
}

/** The `files` patterns a target builds with (a platform's own list replaces the top-level one). */
export function targetFiles(config: Configuration, target: Target): string[] {
  const own = config[CONFIG_KEY[target]]?.files;
  return stringPatterns(own ?? config.files, `${CONFIG_KEY[target]}.files`);
}

export interface NativeCheck {
  /** Native files of the production dependencies that this target's package keeps (relative, forward slashes). */
  shipped: string[];
  /** Those that no asarUnpack pattern matches: they would be stuck inside app.asar. */
  uncovered: string[];
}

const relative = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

/** Every native file the target's package would carry, and which of them asarUnpack misses. */
export function checkNatives(
  root: string,
  config: Configuration,
  target: Target,
  macros: Macros,
): NativeCheck {
  const kept = nodeModulesFilter(targetFiles(config, target), macros);
  const unpacked = fileFilter(stringPatterns(config.asarUnpack, 'asarUnpack'), macros);
  const shipped = productionClosure(root)
    .flatMap((pkg) => nativeFilesIn(pkg.dir))
    .map((f) => relative(root, f))
    .filter(kept)
    .sort();
  return { shipped, uncovered: shipped.filter((f) => !unpacked(f)) };
}
