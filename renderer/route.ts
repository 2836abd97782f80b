/**
 * Which view a window shows: `#settings` / `#history` / `#overlay` (or `?view=…`, as main loads its
 * windows), else the tray popover.
 */
import { VIEW_NAMES, type ViewName } from '../shared/viewNames';

export type { ViewName };

export function viewFor(hash: string, search: string): ViewName {
  const name = hash.replace(/^#\/?/, '') || (new URLSearchParams(search).get('view') ?? '');
  return VIEW_NAMES.find((v) => v === name) ?? 'popover';
}
