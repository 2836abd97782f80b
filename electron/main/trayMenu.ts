import type { MenuItemConstructorOptions } from 'electron';
import type { AppState } from './appState';
import { engineStateWords, usageText } from './trayIcon';

/**
 * The tray menu as data, built from the state by a pure function. A menu is always set: Linux app
 * indicators (AppIndicator / StatusNotifierItem) ignore clicks on the icon, so every action must
 * be reachable from here, and the two a click does elsewhere come first: Dictate (or Stop), then Open.
 * Disabled items carry their reason in the label, because indicator menus show neither tooltips nor
 * sublabels.
 */
export type TrayAction =
  | 'toggle-dictation'
  | 'restore-gpu'
  | 'open'
  | 'settings'
  | 'restart-engine'
  | 'dismiss-settings-warning'
  | 'quit';

export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'info'; label: string }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

export function buildTrayMenu(state: AppState): TrayMenuItem[] {
  const items: TrayMenuItem[] = [
    dictateItem(state),
    { kind: 'action', action: 'open', label: 'Open Swictation', enabled: true },
    { kind: 'separator' },
    { kind: 'info', label: statusLine(state) },
  ];
  if (state.settingsWarning) {
    items.push({
      kind: 'action',
      action: 'dismiss-settings-warning',
      label: `Settings were reset to defaults${state.settingsWarning.keptAs ? ` (old file kept as ${state.settingsWarning.keptAs})` : ''} — dismiss`,
      enabled: true,
    });
  }
  if (state.engine.settingsError) items.push({ kind: 'info', label: state.engine.settingsError });
  if (state.hotkeyProblem) items.push({ kind: 'info', label: `Shortcut: ${state.hotkeyProblem}` });
  items.push(restoreItem(state));
  if (state.engine.state === 'failed' || state.engine.state === 'stopped')
    items.push({ kind: 'action', action: 'restart-engine', label: 'Restart engine', enabled: true });
  items.push({ kind: 'separator' });
  items.push({ kind: 'action', action: 'settings', label: 'Settings…', enabled: true });
  items.push({ kind: 'separator' });
  items.push({ kind: 'action', action: 'quit', label: 'Quit', enabled: true });
  return items;
}

function dictateItem(state: AppState): TrayMenuItem {
  const base = { kind: 'action', action: 'toggle-dictation' } as const;
  if (state.engine.state !== 'live')
    return { ...base, label: 'Dictate (engine not running)', enabled: false };
  switch (state.dictation) {
    case 'idle':
      return { ...base, label: 'Dictate', enabled: true };
    case 'listening':
      return { ...base, label: 'Stop dictating', enabled: true };
    case 'transcribing':
      return { ...base, label: 'Transcribing the last words…', enabled: false };
  }
}

function restoreItem(state: AppState): TrayMenuItem {
  const base = { kind: 'action', action: 'restore-gpu' } as const;
  if (state.engine.state !== 'live')
    return { ...base, label: 'Restore to GPU (engine not running)', enabled: false };
  const blocker = state.status ? state.status.restoreBlocker : 'no status from the engine yet';
  if (blocker !== null) return { ...base, label: `Restore to GPU — ${blocker}`, enabled: false };
  return { ...base, label: 'Restore to GPU', enabled: true };
}

function statusLine(state: AppState): string {
  const { engine, status } = state;
  if (engine.state === 'failed') return `Engine failed: ${engine.message ?? 'unknown error'}`;
  if (engine.state !== 'live') return `Swictation: ${engineStateWords(engine.state)}`;
  if (!status) return 'Swictation: waiting for the first GPU reading';
  if (!status.gpu) return 'No GPU: running on the CPU';
  const onCpu = status.models.filter((m) => m.device === 'cpu' && m.role !== 'vad').length;
  const offloaded = onCpu ? ` · ${onCpu} model${onCpu > 1 ? 's' : ''} on CPU` : '';
  return `${status.level} · GPU ${usageText(status.usage)} (${Math.round(status.usedMiB)} / ${Math.round(status.totalMiB)} MiB)${offloaded}`;
}

/**
 * How the menu is attached, so a left click stays free to dictate. setContextMenu is what Linux indicators
 * show (their only way to the app) and what Windows opens on a right click; on macOS it would take the
 * left click too, so there the menu is popped up from the right click instead.
 */
export function menuAttachment(platform: NodeJS.Platform): 'context-menu' | 'right-click-pop-up' {
  return platform === 'darwin' ? 'right-click-pop-up' : 'context-menu';
}

/** The Electron template for Menu.buildFromTemplate, with clicks routed to one handler. */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'action':
        return {
          id: item.action,
          label: item.label,
          enabled: item.enabled,
          click: () => onAction(item.action),
        };
    }
  });
}
