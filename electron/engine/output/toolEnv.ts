import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where external tools are looked up and which desktop session they will talk to. Everything in
 * output/ takes it as a parameter (defaulting to this process) so tests can point PATH at a folder
 * of stub scripts and pick the session type without touching the real environment.
 */
export interface ToolEnv {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

export function resolveToolEnv(partial: Partial<ToolEnv> = {}): ToolEnv {
  return { env: partial.env ?? process.env, platform: partial.platform ?? process.platform };
}

/** The Linux/BSD display server the focused window lives on; macOS and Windows have their own. */
export type DisplayServer = 'wayland' | 'x11' | 'none';

/**
 * Wayland wins over DISPLAY because a Wayland session also sets DISPLAY for XWayland, and an X11
 * tool there only reaches XWayland windows, not the native one the user is most likely typing in.
 */
export function detectDisplayServer(env: NodeJS.ProcessEnv): DisplayServer {
  if (env['WAYLAND_DISPLAY'] || env['XDG_SESSION_TYPE']?.toLowerCase() === 'wayland') return 'wayland';
  if (env['DISPLAY']) return 'x11';
  return 'none';
}

async function isExecutableFile(file: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    // Windows has no execute bit: existence with a PATHEXT extension is what makes it runnable.
    if (platform !== 'win32') await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` on env.PATH, or null. Looking it up ourselves (instead of
 * running `which`) costs no process and lets the caller say *which* tool is missing.
 */
export async function findExecutable(name: string, toolEnv: ToolEnv): Promise<string | null> {
  const { env, platform } = toolEnv;
  const pathVar = env['PATH'] ?? env['Path'] ?? '';
  const delimiter = platform === 'win32' ? ';' : ':';
  const extensions =
    platform === 'win32'
      ? ['', ...(env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
      : [''];
  for (const dir of pathVar.split(delimiter)) {
    // An empty PATH entry means the current directory; never pick up tools from there.
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return null;
}
