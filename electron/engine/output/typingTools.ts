import { existsSync } from 'node:fs';
import path from 'node:path';
import { clipboardInstallHint, findClipboardTool, type ClipboardToolName } from './clipboardTools';
import {
  detectDisplayServer,
  findExecutable,
  resolveToolEnv,
  type DisplayServer,
  type ToolEnv,
} from './toolEnv';

export type TypingToolName = 'xdotool' | 'wtype' | 'ydotool';

/** A program that sends key events to the focused window. */
export interface TypingTool {
  name: TypingToolName;
  path: string;
}

/**
 * Where ydotool looks for its daemon's socket: $YDOTOOL_SOCKET, then $XDG_RUNTIME_DIR (1.x), then
 * /tmp (0.1.x and 1.x without XDG_RUNTIME_DIR).
 */
export function ydotoolSocketCandidates(env: NodeJS.ProcessEnv): string[] {
  const explicit = env['YDOTOOL_SOCKET'];
  if (explicit) return [explicit];
  const runtime = env['XDG_RUNTIME_DIR'];
  return [...(runtime ? [path.join(runtime, '.ydotool_socket')] : []), '/tmp/.ydotool_socket'];
}

/**
 * GNOME's compositor does not implement the virtual-keyboard protocol wtype needs ("Compositor does
 * not support the virtual keyboard protocol"), so there ydotool, which goes through uinput, is the
 * one that works.
 */
function isGnome(env: NodeJS.ProcessEnv): boolean {
  return (env['XDG_CURRENT_DESKTOP'] ?? '').split(':').some((d) => d.toUpperCase() === 'GNOME');
}

async function tool(name: TypingToolName, toolEnv: ToolEnv): Promise<TypingTool | null> {
  const found = await findExecutable(name, toolEnv);
  return found ? { name, path: found } : null;
}

/**
 * The tool that can type into the focused window: xdotool on X11; on Wayland wtype, else ydotool
 * (ydotool first on GNOME, see isGnome). macOS and Windows have none yet (clipboard only).
 */
export async function findTypingTool(partial: Partial<ToolEnv> = {}): Promise<TypingTool | null> {
  const toolEnv = resolveToolEnv(partial);
  if (toolEnv.platform === 'darwin' || toolEnv.platform === 'win32') return null;
  const server = detectDisplayServer(toolEnv.env);
  if (server === 'x11') return tool('xdotool', toolEnv);
  if (server === 'wayland') {
    const order: TypingToolName[] = isGnome(toolEnv.env) ? ['ydotool', 'wtype'] : ['wtype', 'ydotool'];
    for (const name of order) {
      const found = await tool(name, toolEnv);
      if (found) return found;
    }
  }
  return null;
}

/** What output can do on this desktop, for the settings view, `swictation doctor` and the log. */
export interface OutputSupport {
  platform: NodeJS.Platform;
  /** Linux/BSD session type; 'none' on macOS and Windows, where it does not apply. */
  displayServer: DisplayServer;
  typing: TypingTool | null;
  clipboard: ClipboardToolName | null;
  /** Caveats that do not stop typing from being tried (e.g. ydotoold not running). */
  warnings: string[];
  /** One line for the user: what will happen to a transcript. */
  message: string;
}

function platformLabel(platform: NodeJS.Platform): string | null {
  if (platform === 'darwin') return 'macOS';
  if (platform === 'win32') return 'Windows';
  return null;
}

/** The fix to suggest when no typing tool is installed, for this session type. */
export function typingInstallHint(toolEnv: ToolEnv): string {
  const server = detectDisplayServer(toolEnv.env);
  if (server === 'x11') return 'install xdotool';
  if (server === 'wayland') return 'install wtype or ydotool (with the ydotoold daemon running)';
  return 'install xdotool (X11) or wtype/ydotool (Wayland)';
}

export async function describeOutputSupport(partial: Partial<ToolEnv> = {}): Promise<OutputSupport> {
  const toolEnv = resolveToolEnv(partial);
  const { env, platform } = toolEnv;
  const [typing, clipboardTool] = await Promise.all([findTypingTool(toolEnv), findClipboardTool(toolEnv)]);
  const clipboard = clipboardTool?.name ?? null;
  const native = platformLabel(platform);
  const displayServer = native ? 'none' : detectDisplayServer(env);
  const warnings: string[] = [];

  if (typing?.name === 'ydotool') {
    const sockets = ydotoolSocketCandidates(env);
    if (!sockets.some((s) => existsSync(s))) {
      warnings.push(
        `ydotool needs the ydotoold daemon, but no socket was found at ${sockets.join(' or ')}: ` +
          'start it (e.g. `systemctl --user enable --now ydotoold`) or typing will fall back to the clipboard',
      );
    }
    warnings.push('ydotool types ASCII only: transcripts with other characters are pasted instead');
  }

  let message: string;
  if (typing) {
    message = `typing with ${typing.name} (${displayServer === 'x11' ? 'X11' : 'Wayland'})`;
    if (clipboard) message += `; clipboard through ${clipboard}`;
  } else {
    const why = native
      ? `typing into other apps is not supported on ${native} yet`
      : displayServer === 'none'
        ? 'no graphical session found (DISPLAY and WAYLAND_DISPLAY are unset), so nothing can be typed'
        : `no typing tool found: ${typingInstallHint(toolEnv)}`;
    message = clipboard
      ? `${why}; transcripts go to the clipboard instead`
      : `${why}, and no clipboard tool either (${clipboardInstallHint(toolEnv)}): transcripts are only kept in the history`;
  }
  return { platform, displayServer, typing, clipboard, warnings, message };
}
