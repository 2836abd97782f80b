/**
 * The window's views: main loads its windows with `?view=…`, the browser server serves the same names, and the
 * renderer picks the view from them (renderer/route.ts). No name: the tray popover.
 */
export const VIEW_NAMES = ['popover', 'settings', 'history', 'overlay'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];
