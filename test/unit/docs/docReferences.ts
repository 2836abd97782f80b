/**
 * What the project's Markdown refers to, so a test can check it still exists: repository paths in inline
 * code, and test names. Two ways of naming a test are understood:
 *   `test/browser/security.test.ts › the test's name`   (SECURITY.md, ARCHITECTURE.md)
 *   `engineCrash.test.ts::the test's name`, then `::another name` for the same file (RELIABILITY.md)
 * A test file given without a folder is looked up by its file name under test/.
 * In a name, `…` (or `<anything>`) in the document and `$field`, `%s` or `${…}` in the source stand for any
 * text: vitest shortens long `it.each` values with `…`, and documents abbreviate names the same way.
 */

export interface TestRef {
  file: string;
  name: string;
  line: number;
}

export interface DocReferences {
  paths: { path: string; line: number }[];
  tests: TestRef[];
}

/** Markdown without its fenced code blocks (commands and sample JSON are not references). */
function withoutFences(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

function inlineCode(line: string): string[] {
  return Array.from(line.matchAll(/`([^`\n]+)`/g), (m) => m[1] ?? '');
}

const TEST_REF = /^(\S*\.test\.tsx?)\s*(?:›|::)\s*(.+)$/;
const CONTINUED_REF = /^::\s*(.+)$/;

/**
 * A repository path: no spaces, no URL, no glob or placeholder, at least one slash, and a first segment
 * that is one of the repository's top-level folders (so `out/…` build output and `~/.config/…` are not).
 */
export function asRepoPath(code: string, topLevel: ReadonlySet<string>): string | null {
  const text = code.trim().replace(/:\d+(-\d+)?$/, '');
  if (/\s|:\/\/|[*?{}<>[\]…|$]/.test(text) || !text.includes('/')) return null;
  const first = text.split('/')[0] ?? '';
  return topLevel.has(first) ? text : null;
}

export function findReferences(markdown: string, topLevel: ReadonlySet<string>): DocReferences {
  const refs: DocReferences = { paths: [], tests: [] };
  withoutFences(markdown).forEach((line, index) => {
    let lastFile: string | null = null;
    for (const code of inlineCode(line)) {
      const test = TEST_REF.exec(code.trim());
      const continued = CONTINUED_REF.exec(code.trim());
      if (test?.[1] && test[2]) {
        lastFile = test[1];
        refs.tests.push({ file: test[1], name: test[2].trim(), line: index + 1 });
      } else if (continued?.[1] && lastFile) {
        refs.tests.push({ file: lastFile, name: continued[1].trim(), line: index + 1 });
      } else {
        const p = asRepoPath(code, topLevel);
        if (p) refs.paths.push({ path: p, line: index + 1 });
      }
    }
  });
  return refs;
}

/** The position after the string literal that starts at `start` (a quote or a backtick). */
function skipString(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === quote) return i + 1;
    else if (quote === '`' && c === '$' && source[i + 1] === '{') i = skipExpression(source, i + 2);
    else i++;
  }
  return i;
}

/** The position after the `}` that closes a `${` expression (strings and braces inside are skipped). */
function skipExpression(source: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < source.length && depth > 0) {
    const c = source[i];
    if (c === "'" || c === '"' || c === '`') {
      i = skipString(source, i);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    i++;
  }
  return i;
}

const WILD = '\u0000';

/** A string literal's text, with `${…}` replaced by a wildcard and escapes undone. */
function literalText(source: string, start: number, end: number): string {
  const body = source.slice(start + 1, end - 1);
  if (source[start] !== '`') return unescapeText(body);
  let out = '';
  let i = 0;
  while (i < body.length) {
    if (body[i] === '\\') {
      out += body.slice(i, i + 2);
      i += 2;
    } else if (body[i] === '$' && body[i + 1] === '{') {
      out += WILD;
      i = skipExpression(body, i + 2);
    } else {
      out += body.charAt(i);
      i++;
    }
  }
  return unescapeText(out);
}

function unescapeText(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * The names a test file gives its tests: the string right after `it(`, `test(`, `it.skip(`… or after the
 * `)(` of `it.each(…)(` and `it.skipIf(…)(`. Placeholders become wildcards.
 */
export function testNamesIn(source: string): string[] {
  const names: string[] = [];
  const opener = /(?:\b(?:it|test)(?:\.(?:skip|only|concurrent|fails|todo))?\s*\(|\)\s*\()\s*(['"`])/g;
  for (const m of source.matchAll(opener)) {
    const start = m.index + m[0].length - 1;
    const end = skipString(source, start);
    const text = literalText(source, start, end);
    names.push(text.replace(/\$[A-Za-z_][\w.]*|%[sdifjoOc#%]/g, WILD));
  }
  return names;
}

/** A document's way of writing a name: `…` and `<placeholder>` stand for any text. */
export function docPattern(name: string): string {
  return name.replace(/<[^<>]+>|…|\.\.\./g, WILD);
}

/**
 * Whether some name fits both patterns (each may hold wildcards). A wildcard may take any stretch of the
 * other side, including its wildcards.
 */
export function patternsMeet(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const meet = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === WILD) result = meet(i + 1, j) || (j < b.length && meet(i, j + 1));
    else if (b[j] === WILD) result = meet(i, j + 1) || (i < a.length && meet(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && meet(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return meet(0, 0);
}

/** Whether the source of a test file names a test as the document does. */
export function hasTest(source: string, docName: string): boolean {
  const wanted = docPattern(docName);
  return testNamesIn(source).some((name) => patternsMeet(wanted, name));
}
