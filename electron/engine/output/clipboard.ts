import { clipboardInstallHint, findClipboardTool, type ClipboardTool } from './clipboardTools';
import { runTool, sleep, ToolError } from './runTool';
import { resolveToolEnv, type ToolEnv } from './toolEnv';
import { pressKeys } from './typeText';
import { findTypingTool, type TypingTool } from './typingTools';

export interface ClipboardOptions extends Partial<ToolEnv> {
  /** A detected tool; default: the one for this session. */
  clipboard?: ClipboardTool;
  timeoutMs?: number;
}

/** Thrown when no clipboard tool is installed (the message says what to install). */
export class NoClipboardToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoClipboardToolError';
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

async function resolveClipboard(opts: ClipboardOptions, toolEnv: ToolEnv): Promise<ClipboardTool> {
  const tool = opts.clipboard ?? (await findClipboardTool(toolEnv));
  if (!tool) throw new NoClipboardToolError(`no clipboard tool found: ${clipboardInstallHint(toolEnv)}`);
  return tool;
}

function encode(tool: ClipboardTool, text: string): Buffer {
  if (tool.inputEncoding === 'utf8') return Buffer.from(text, 'utf8');
  // clip.exe decodes its input with the console code page unless it starts with a UTF-16 BOM.
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

/** Puts `text` on the clipboard (the CLIPBOARD selection on X11, the one Ctrl+V pastes). */
export async function writeClipboard(text: string, opts: ClipboardOptions = {}): Promise<void> {
  const toolEnv = resolveToolEnv(opts);
  const tool = await resolveClipboard(opts, toolEnv);
  await runTool(tool.copy.command, tool.copy.args, {
    env: toolEnv.env,
    input: encode(tool, text),
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    untilExit: tool.copyForks,
  });
}

/**
 * The clipboard's text, or null when it holds no text (empty, or only an image or files). The
 * tools report "nothing there" as a failure (xclip: "target STRING not available", wl-paste:
 * "Nothing is copied"), so a tool that ran but failed reads as null; a missing tool still throws.
 */
export async function readClipboard(opts: ClipboardOptions = {}): Promise<string | null> {
  const toolEnv = resolveToolEnv(opts);
  const tool = await resolveClipboard(opts, toolEnv);
  try {
    const { stdout } = await runTool(tool.paste.command, tool.paste.args, {
      env: toolEnv.env,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      captureStdout: true,
    });
    return stdout === '' ? null : stdout;
  } catch (err) {
    if (err instanceof ToolError && err.exitCode !== null && !err.timedOut) return null;
    throw err;
  }
}

/** The steps of pasteText as they happen, for logs and for tests that check their order. */
export type PasteStep =
  'previous-read' | 'copied' | 'paste-sent' | 'settled' | 'restored' | 'restore-skipped';

export interface PasteOptions extends ClipboardOptions {
  /**
   * Put the previous clipboard text back after pasting. Off, the transcript stays on the
   * clipboard (useful to paste it again).
   */
  restore: boolean;
  /** The chord that pastes: "ctrl+v" (default) in most apps, "ctrl+shift+v" in terminals. */
  pasteKey?: string;
  /**
   * How long to wait after the paste keystroke was sent before restoring, in ms (default 150).
   * See pasteText for why this exists.
   */
  settleMs?: number;
  /** Sends the paste keystroke; null means "copy only"; default: the tool for this session. */
  typingTool?: TypingTool | null;
  onStep?: (step: PasteStep, detail?: string) => void;
}

export interface PasteResult {
  /** The paste keystroke was sent (the transcript is on the clipboard either way). */
  pasted: boolean;
  restored: boolean;
  /** Why something did not happen, for the user. */
  message?: string;
}

export const DEFAULT_PASTE_KEY = 'ctrl+v';
export const DEFAULT_SETTLE_MS = 150;

/**
 * Pastes `text` into the focused window through the clipboard: copy, send the paste chord, and,
 * with `restore`, put the previous text back.
 *
 * Why the restore waits: a paste is not a copy of bytes at keypress time. The keystroke tool exits
 * once the key events reach the display server; the target app then handles the key and *asks*
 * the clipboard owner for the data (an X11 selection request, a Wayland data offer), a round trip
 * that happens later, on the app's schedule. Restoring before that round trip makes the app paste
 * the old clipboard instead of the transcript. So the restore happens only after the keystroke
 * tool has exited *and* a settle delay has passed, and only if the clipboard still holds our text
 * (if the user copied something meanwhile, that is kept). If the keystroke could not be sent, the
 * transcript is left on the clipboard so the user can paste it by hand.
 */
export async function pasteText(text: string, opts: PasteOptions): Promise<PasteResult> {
  const toolEnv = resolveToolEnv(opts);
  const clipboard = await resolveClipboard(opts, toolEnv);
  const io: ClipboardOptions = { ...toolEnv, clipboard, timeoutMs: opts.timeoutMs };
  const step = opts.onStep ?? (() => undefined);

  // Only text can be saved and put back; an image or file list on the clipboard reads as null.
  let previous: string | null = null;
  if (opts.restore) {
    previous = await readClipboard(io).catch(() => null);
    step('previous-read', previous === null ? 'no text' : undefined);
  }
  await writeClipboard(text, io);
  step('copied');

  const typingTool = opts.typingTool === undefined ? await findTypingTool(toolEnv) : opts.typingTool;
  const pasteKey = opts.pasteKey ?? DEFAULT_PASTE_KEY;
  if (!typingTool) {
    return { pasted: false, restored: false, message: `copied to the clipboard: paste it with ${pasteKey}` };
  }
  try {
    await pressKeys(pasteKey, { ...toolEnv, tool: typingTool, timeoutMs: opts.timeoutMs });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      pasted: false,
      restored: false,
      message: `copied to the clipboard, but sending ${pasteKey} failed (${why}): paste it by hand`,
    };
  }
  step('paste-sent');
  if (!opts.restore) return { pasted: true, restored: false };

  await sleep(opts.settleMs ?? DEFAULT_SETTLE_MS);
  step('settled');
  if (previous === null) {
    step('restore-skipped', 'no previous text');
    return {
      pasted: true,
      restored: false,
      message: 'the clipboard held no text before; the transcript stays on it',
    };
  }
  const current = await readClipboard(io).catch(() => null);
  if (current !== text) {
    step('restore-skipped', 'clipboard changed');
    return { pasted: true, restored: false, message: 'the clipboard changed while pasting; left as it is' };
  }
  await writeClipboard(previous, io);
  step('restored');
  return { pasted: true, restored: true };
}
