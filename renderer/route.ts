/**
 * Which view a window shows: `#settings` / `#history` / `#overlay` (or `?view=…`, as main loads its
 * windows), else the tray popover.
 */
import { VIEW_NAMES, type ViewName } from '../shared/viewNames';

export type { ViewName };

export function viewFor(hash: string, search: string): ViewName {
  const name = viewPart(hash) || (new URLSearchParams(search).get('view') ?? '');
  return VIEW_NAMES.find((v) => v === name) ?? 'popover';
}

/** `#settings/speech` → `speech`: the part of a view to show first (a link into one Settings section). */
export function sectionFor(hash: string): string | null {
  return hash.replace(/^#\/?/, '').split('/')[1] ?? null;
}

function viewPart(hash: string): string {
  return hash.replace(/^#\/?/, '').split('/')[0] ?? '';
}
