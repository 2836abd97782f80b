import { Minimatch } from 'minimatch';

/**
 * electron-builder's file-pattern semantics (app-builder-lib 26, fileMatcher.ts and util/filter.ts), for
 * files (not folders) given relative to the app folder with forward slashes:
 * - minimatch with { dot: true }; `${arch}` and other macros are expanded first;
 * - a pattern without magic and without a dot also matches everything below it (a folder name);
 * - patterns apply in order: the last one that decides wins ("!" excludes, a plain pattern includes).
 */
export type Macros = Record<string, string>;

function expand(pattern: string, macros: Macros): string {
  return pattern.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`pattern ${pattern}: no value for ${whole}`);
    return value;
  });
}

function compile(patterns: readonly string[], macros: Macros): Minimatch[] {
  const out: Minimatch[] = [];
  for (const raw of patterns) {
    const pattern = expand(raw.replace(/^\.\//, ''), macros);
    const parsed = new Minimatch(pattern, { dot: true });
    out.push(parsed);
    if (!pattern.includes('.') && !parsed.hasMagic())
      out.push(new Minimatch(`${pattern}/**/*`, { dot: true }));
  }
  return out;
}

/** minimatch-all as electron-builder uses it: once matched, only exclusions are tested, and vice versa. */
function matchAll(file: string, patterns: readonly Minimatch[]): boolean {
  let match = false;
  for (const p of patterns) {
    if (match !== p.negate) continue;
    match = p.match(file);
  }
  return match;
}

/** A predicate for "these patterns select this file". */
export function fileFilter(patterns: readonly string[], macros: Macros = {}): (file: string) => boolean {
  const compiled = compile(patterns, macros);
  return (file) => matchAll(file, compiled);
}

/**
 * Which node_modules files a platform's package keeps: electron-builder copies every file of the
 * production dependencies, then applies only the exclusions ("!…") of `files` (getNodeModuleFileMatcher).
 */
export function nodeModulesFilter(files: readonly string[], macros: Macros = {}): (file: string) => boolean {
  const exclusions = files.filter((f) => f.startsWith('!'));
  return fileFilter(['**/*', ...exclusions], macros);
}
