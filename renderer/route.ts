/** Which view a window shows: `#settings` / `#history` (or `?view=…`), else the tray popover. */
export type ViewName = 'popover' | 'settings' | 'history';

export function viewFor(hash: string, search: string): ViewName {
  const name = hash.replace(/^#\/?/, '') || (new URLSearchParams(search).get('view') ?? '');
  return name === 'settings' || name === 'history' ? name : 'popover';
}
