import type { Page } from 'playwright-core';

/**
 * Visible controls whose text is cut off (the issue's "GPU when there is room, els…"): more content than box
 * (scrollWidth > clientWidth), and for a select, a chosen label wider than the room its arrow leaves.
 */
export function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const probe = document.createElement('span');
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    probe.style.whiteSpace = 'nowrap';
    document.body.appendChild(probe);
    const controls = document.querySelectorAll<HTMLElement>('button, select, a, summary, kbd, input, label');
    for (const el of Array.from(controls)) {
      if (el.offsetParent === null) continue;
      const what = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}`;
      if (el instanceof HTMLSelectElement) {
        probe.style.font = getComputedStyle(el).font;
        probe.textContent = el.selectedOptions[0]?.textContent ?? '';
        // The arrow and padding take about 28 px of the select's width.
        if (probe.offsetWidth > el.clientWidth - 28) out.push(`${what} "${probe.textContent}"`);
      } else if (el.scrollWidth > el.clientWidth + 1) out.push(`${what} "${el.textContent.trim()}"`);
    }
    probe.remove();
    return out;
  });
}
