import { detectDisplayServer, findExecutable, type ToolEnv } from './toolEnv';

export type ClipboardToolName = 'wl-clipboard' | 'xclip' | 'xsel' | 'pbcopy' | 'windows';

export interface ToolCommand {
  command: string;
  args: string[];
}

/** How to put text on the system clipboard and read it back on this desktop. */
export interface ClipboardTool {
  name: ClipboardToolName;
  copy: ToolCommand;
  paste: ToolCommand;
  /** The copy command forks a selection owner that outlives it (X11/Wayland): wait for exit, not close. */
  copyForks: boolean;
  /** Windows' clip.exe reads UTF-16LE (with a BOM); everything else reads UTF-8. */
  inputEncoding: 'utf8' | 'utf16le-bom';
}

// Get-Clipboard -Raw keeps line breaks as they are; Console.Out.Write avoids PowerShell's trailing
// newline, and the UTF-8 output encoding keeps non-ASCII text intact through the pipe.
const WINDOWS_READ =
  '[Console]::OutputEncoding=[Text.Encoding]::UTF8; $t = Get-Clipboard -Raw; if ($t) { [Console]::Out.Write($t) }';

async function x11Tool(toolEnv: ToolEnv): Promise<ClipboardTool | null> {
  const xclip = await findExecutable('xclip', toolEnv);
  if (xclip) {
    return {
      name: 'xclip',
      copy: { command: xclip, args: ['-selection', 'clipboard', '-in'] },
      paste: { command: xclip, args: ['-selection', 'clipboard', '-out'] },
      copyForks: true,
      inputEncoding: 'utf8',
    };
  }
  const xsel = await findExecutable('xsel', toolEnv);
  if (xsel) {
    return {
      name: 'xsel',
      copy: { command: xsel, args: ['--clipboard', '--input'] },
      paste: { command: xsel, args: ['--clipboard', '--output'] },
      copyForks: true,
      inputEncoding: 'utf8',
    };
  }
  return null;
}

/**
 * The clipboard tool for this session, or null when none is installed. On Wayland wl-clipboard is
 * preferred; xclip/xsel are the fallback when XWayland is there (DISPLAY set), because compositors
 * keep the XWayland clipboard in sync with the native one.
 */
export async function findClipboardTool(toolEnv: ToolEnv): Promise<ClipboardTool | null> {
  const { env, platform } = toolEnv;
  if (platform === 'darwin') {
    const [copy, paste] = await Promise.all([
      findExecutable('pbcopy', toolEnv),
      findExecutable('pbpaste', toolEnv),
    ]);
    if (!copy || !paste) return null;
    return {
      name: 'pbcopy',
      copy: { command: copy, args: [] },
      paste: { command: paste, args: [] },
      copyForks: false,
      inputEncoding: 'utf8',
    };
  }
  if (platform === 'win32') {
    const [clip, powershell] = await Promise.all([
      findExecutable('clip', toolEnv),
      findExecutable('powershell', toolEnv),
    ]);
    if (!clip || !powershell) return null;
    return {
      name: 'windows',
      copy: { command: clip, args: [] },
      paste: { command: powershell, args: ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_READ] },
      copyForks: false,
      inputEncoding: 'utf16le-bom',
    };
  }
  const server = detectDisplayServer(env);
  if (server === 'wayland') {
    const [copy, paste] = await Promise.all([
      findExecutable('wl-copy', toolEnv),
      findExecutable('wl-paste', toolEnv),
    ]);
    if (copy && paste) {
      return {
        name: 'wl-clipboard',
        copy: { command: copy, args: [] },
        // --type text: read a text flavour only; an image on the clipboard reads as "no text".
        paste: { command: paste, args: ['--no-newline', '--type', 'text'] },
        copyForks: true,
        inputEncoding: 'utf8',
      };
    }
    return env['DISPLAY'] ? x11Tool(toolEnv) : null;
  }
  if (server === 'x11') return x11Tool(toolEnv);
  return null;
}

/** What to install for a clipboard on this desktop, for messages. */
export function clipboardInstallHint(toolEnv: ToolEnv): string {
  if (toolEnv.platform === 'darwin') return 'pbcopy/pbpaste (part of macOS) were not found on PATH';
  if (toolEnv.platform === 'win32') return 'clip.exe/powershell.exe (part of Windows) were not found on PATH';
  const server = detectDisplayServer(toolEnv.env);
  if (server === 'wayland') return 'install wl-clipboard (wl-copy/wl-paste)';
  if (server === 'x11') return 'install xclip or xsel';
  return 'no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)';
}
