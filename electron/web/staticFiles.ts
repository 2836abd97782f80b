/**
 * The Content-Security-Policy of the built page's <meta>: the harness sends the very same policy as a
 * header, so the browser tests exercise the policy Electron's windows load, not a second copy of it.
 */
export function cspFromHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*"([^"]*)"/i.exec(tag) ?? /\bcontent\s*=\s*'([^']*)'/i.exec(tag);
    const policy = content?.[1]?.replace(/\s+/g, ' ').trim();
    if (policy) return policy;
  }
  return null;
}
