import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './browser';

const AXE_FILE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/** One rule axe found broken, with the elements that break it (their selectors), for a readable failure. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | null = null;

/**
 * Run axe-core in the page (WCAG 2.1 A and AA rules plus axe's best practices) and return its violations.
 * The app's CSP refuses inline scripts, so axe is not added as a <script>: playwright evaluates it over
 * DevTools, which the CSP does not govern, and the page itself is left unchanged.
 */
export async function axeViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  axeSource ??= readFile(AXE_FILE, 'utf8');
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(await axeSource);
  return page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(context ?? document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, include ?? null);
}

/** The violations that block a user (serious or critical), the acceptance bar. */
export async function seriousViolations(page: Page, include?: string): Promise<AxeViolation[]> {
  return (await axeViolations(page, include)).filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
}
