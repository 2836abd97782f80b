import type { Settings } from '../../shared/settings';

/**
 * app.launchAtLogin → Electron's login item, at start and on every settings change main adopts (the
 * engine pushes each accepted change). Only written when it differs from what the system has, so a
 * settings change elsewhere does not rewrite the login item.
 */
export interface LoginItemApi {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface LaunchSettingSource {
  readonly current: Settings;
  onChange(listener: (settings: Settings) => void): () => void;
}

export interface LaunchPlatform {
  platform: NodeJS.Platform;
  /** app.isPackaged: a development run would register the bare Electron binary, which opens no app. */
  packaged: boolean;
}

/**
 * Why the setting cannot be applied here, or null when it can. Electron implements login items on macOS
 * and Windows only: on Linux, starting at login is a .desktop file in ~/.config/autostart, which the
 * desktop (or the package that installed the app) owns, so main leaves it alone rather than write one.
 */
export function launchAtLoginUnsupported({ platform, packaged }: LaunchPlatform): string | null {
  if (platform !== 'darwin' && platform !== 'win32')
    return 'launch at login is set by your desktop (an autostart entry) on this system';
  if (!packaged) return 'launch at login applies to the installed app, not a development run';
  return null;
}

export function followLaunchAtLogin(
  source: LaunchSettingSource,
  api: LoginItemApi,
  where: LaunchPlatform,
): () => void {
  if (launchAtLoginUnsupported(where) !== null) return () => undefined;
  const apply = (settings: Settings) => {
    const wanted = settings.app.launchAtLogin;
    if (api.getLoginItemSettings().openAtLogin !== wanted) api.setLoginItemSettings({ openAtLogin: wanted });
  };
  apply(source.current);
  return source.onChange(apply);
}
