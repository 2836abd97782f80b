import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asRepoPath, findReferences, hasTest, patternsMeet, testNamesIn, docPattern } from './docReferences';

// The docs name real files and real tests so a newcomer can follow them; this keeps them from going stale.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOT_SOURCE = new Set(['node_modules', 'out', 'test-results', '.git']);
const TOP_LEVEL = new Set(
  readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_SOURCE.has(e.name))
    .map((e) => e.name),
);
const DOCS = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Every test file under test/, by file name (documents may name one without its folder). */
function testFilesNamed(name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name === name) found.push(rel);
    }
  };
  walk('test');
  return found;
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Why the named test cannot be found, or null. A bare file name may match several files: one must have it. */
function missingTest(file: string, name: string): string | null {
  const candidates = file.includes('/') ? [file] : testFilesNamed(file);
  const present = candidates.filter((f) => existsSync(path.join(ROOT, f)));
  if (present.length === 0) return `${file} does not exist`;
  if (present.some((f) => hasTest(read(f), name))) return null;
  return `${present.join(' / ')} has no test named “${name}”`;
}

/** Paths a document names as absent on purpose (it says what happens without them). */
const ABSENT_ON_PURPOSE = new Map([
  [
    'build/icons/',
    'docs/PACKAGING.md Icons: “Without an icon in build/icons/, electron-builder uses Electron’s default”',
  ],
]);

describe.each(DOCS)('%s', (doc) => {
  const refs = findReferences(readFileSync(path.join(ROOT, doc), 'utf8'), TOP_LEVEL);

  it('every repository path it names exists', () => {
    const missing = refs.paths
      .filter(({ path: p }) => {
        if (ABSENT_ON_PURPOSE.has(p)) return false;
        const full = path.join(ROOT, p);
        if (!existsSync(full)) return true;
        return p.endsWith('/') && !statSync(full).isDirectory();
      })
      .map(({ path: p, line }) => `${doc}:${line} ${p}`);
    expect(missing).toEqual([]);
  });

  it('every test it names exists under that name in that file', () => {
    const broken: string[] = [];
    for (const ref of refs.tests) {
      const why = missingTest(ref.file, ref.name);
      if (why) broken.push(`${doc}:${ref.line} ${why}`);
    }
    expect(broken).toEqual([]);
  });
});

describe('the reference finder itself', () => {
  const top = new Set(['electron', 'test', 'renderer']);

  it('takes repository paths from inline code, not commands, URLs, globs, build output or code blocks', () => {
    const md = [
      'See `electron/engine/engine.ts`, `renderer/store/` and `test/browser/models.test.ts:12`.',
      'Not `npm run cli -- status`, `https://example.com/a/b`, `test/**/*.ts`, `out/app/main/index.mjs`,',
      '`~/.config/Swictation`, `models/<id>/` or `settings.json`.',
      '```sh',
      'cat `electron/nope.ts`',
      '```',
    ].join('\n');
    expect(findReferences(md, top).paths).toEqual([
      { path: 'electron/engine/engine.ts', line: 1 },
      { path: 'renderer/store/', line: 1 },
      { path: 'test/browser/models.test.ts', line: 1 },
    ]);
    expect(asRepoPath('renderer/', top)).toBe('renderer/');
    expect(asRepoPath('docs/x.md', top)).toBeNull();
  });

  it('reads both ways of naming a test, with `::` continuing the last file on that line', () => {
    const md = [
      '| x | `test/browser/security.test.ts › window.open returns null` |',
      '| y | `nvml.test.ts::NVML missing: …`, `::NVML failing at init` |',
      '| z | `::orphan` |',
    ].join('\n');
    expect(findReferences(md, top).tests).toEqual([
      { file: 'test/browser/security.test.ts', name: 'window.open returns null', line: 1 },
      { file: 'nvml.test.ts', name: 'NVML missing: …', line: 2 },
      { file: 'nvml.test.ts', name: 'NVML failing at init', line: 2 },
    ]);
  });

  it('finds test names in source, with it.each and template placeholders as wildcards', () => {
    const source = [
      "it('plain name', () => {});",
      'it.each(CASES)(',
      "  '$name: retried on the CPU, classified $kind',",
      '  async () => {},',
      ');',
      'it.skipIf(reason !== null)(',
      '  `starts the app${reason ? ` (skipped: ${reason})` : ""}`,',
      '  async () => {},',
      ');',
      "test('it\\'s escaped', () => {});",
    ].join('\n');
    expect(testNamesIn(source)).toEqual([
      'plain name',
      '\u0000: retried on the CPU, classified \u0000',
      'starts the app\u0000',
      "it's escaped",
    ]);
    expect(hasTest(source, 'plain name')).toBe(true);
    expect(hasTest(source, 'plain nam')).toBe(false);
    expect(hasTest(source, "'WebGPU out of memory': retried on the CPU, classified 'oom'")).toBe(true);
    expect(hasTest(source, "'CUDA': …")).toBe(true);
    expect(hasTest(source, "'CUDA': refused")).toBe(false);
    expect(hasTest(source, 'starts the app')).toBe(true);
    expect(hasTest(source, "it's escaped")).toBe(true);
  });

  it('matches patterns with wildcards on both sides', () => {
    expect(patternsMeet(docPattern('a…z'), 'a\u0000z')).toBe(true);
    expect(patternsMeet(docPattern('<fault>: ok'), '\u0000: ok')).toBe(true);
    expect(patternsMeet(docPattern('abc'), 'abd')).toBe(false);
    expect(patternsMeet(docPattern('ab…'), 'a\u0000c')).toBe(true);
    expect(patternsMeet(docPattern('ab'), 'a\u0000c')).toBe(false);
  });
});
