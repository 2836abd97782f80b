/**
 * Which view a window shows: `#settings` / `#history` / `#overlay` (or `?view=…`, as main loads its
 * windows), else the tray popover.
 */
export type ViewName = 'popover' | 'settings' | 'history' | 'overlay';

const NAMED: readonly ViewName[] = ['settings', 'history', 'overlay'];

export function viewFor(hash: string, search: string): ViewName {
  const name = hash.replace(/^#\/?/, '') || (new URLSearchParams(search).get('view') ?? '');
  return NAMED.find((v) => v === name) ?? 'popover';
}
