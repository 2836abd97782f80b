import { DEFAULT_PASTE_KEY, DEFAULT_SETTLE_MS, pasteText, writeClipboard } from './clipboard';
import { clipboardInstallHint, findClipboardTool } from './clipboardTools';
import { parseKeyCombo } from './keyCombo';
import { plainText } from './plainText';
import { resolveToolEnv, type ToolEnv } from './toolEnv';
import { typeText } from './typeText';
import { findTypingTool, typingInstallHint, type TypingTool } from './typingTools';

/** The settings' output mode: type into the focused window, paste through the clipboard, or neither. */
export type OutputMode = 'type' | 'clipboard' | 'none';

export interface TextOutputOptions extends Partial<ToolEnv> {
  /** Between keystrokes when typing (xdotool). */
  delayMs?: number;
  /** The chord that pastes ("ctrl+v"; "ctrl+shift+v" for terminals). */
  pasteKey?: string;
  /** Clipboard mode: send the paste chord after copying (default true). */
  autoPaste?: boolean;
  /** Clipboard mode: put the previous clipboard text back after pasting (default false). */
  restoreClipboard?: boolean;
  settleMs?: number;
}

export interface DeliveryResult {
  /** What actually happened: 'clipboard' when typing fell back to it, 'none' when nothing could be done. */
  mode: OutputMode;
  ok: boolean;
  /** Why the result differs from the requested mode, or what the user should do. */
  message?: string;
}

export interface TextOutput {
  readonly mode: OutputMode;
  /** Never rejects: a missing or failing tool is a result, and the caller still records the transcript. */
  deliver(text: string): Promise<DeliveryResult>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// ydotool's `type` maps ASCII to key codes and silently drops every other character.
const isAscii = (text: string): boolean => /^[\x20-\x7e\t\r\n]*$/.test(text);

export function createTextOutput(mode: OutputMode, opts: TextOutputOptions = {}): TextOutput {
  const pasteKey = opts.pasteKey ?? DEFAULT_PASTE_KEY;
  // A bad key setting is a configuration error: report it now, not on the first transcript.
  parseKeyCombo(pasteKey);
  const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;

  /** The last resort for a transcript that could not be typed: leave it on the clipboard. */
  async function copyInstead(text: string, toolEnv: ToolEnv, why: string): Promise<DeliveryResult> {
    const clipboard = await findClipboardTool(toolEnv);
    if (!clipboard) {
      return {
        mode: 'none',
        ok: false,
        message: `${why}, and no clipboard tool either (${clipboardInstallHint(toolEnv)}): the transcript is only in the history`,
      };
    }
    try {
      await writeClipboard(text, { ...toolEnv, clipboard });
      return {
        mode: 'clipboard',
        ok: true,
        message: `${why}; the transcript was copied to the clipboard instead`,
      };
    } catch (err) {
      return { mode: 'none', ok: false, message: `${why}, and copying failed too (${errorText(err)})` };
    }
  }

  const pasteVia = (text: string, toolEnv: ToolEnv, typingTool: TypingTool | null, restore: boolean) =>
    pasteText(text, { ...toolEnv, restore, pasteKey, settleMs, typingTool });

  async function deliverTyped(text: string, toolEnv: ToolEnv): Promise<DeliveryResult> {
    const tool = await findTypingTool(toolEnv);
    if (!tool) {
      const why =
        toolEnv.platform === 'darwin' || toolEnv.platform === 'win32'
          ? 'typing into other apps is not supported on this platform yet'
          : `no typing tool found: ${typingInstallHint(toolEnv)}`;
      return copyInstead(text, toolEnv, why);
    }
    if (tool.name === 'ydotool' && !isAscii(text)) {
      // Paste instead, restoring the clipboard: the user asked for typing, not for a changed clipboard.
      try {
        const pasted = await pasteVia(text, toolEnv, tool, true);
        if (pasted.pasted) {
          return {
            mode: 'clipboard',
            ok: true,
            message: 'ydotool types ASCII only, so the transcript was pasted',
          };
        }
        return { mode: 'clipboard', ok: true, message: pasted.message };
      } catch (err) {
        return copyInstead(text, toolEnv, `ydotool types ASCII only and pasting failed (${errorText(err)})`);
      }
    }
    try {
      await typeText(text, { ...toolEnv, tool, delayMs: opts.delayMs });
      return { mode: 'type', ok: true };
    } catch (err) {
      return copyInstead(text, toolEnv, `typing with ${tool.name} failed (${errorText(err)})`);
    }
  }

  async function deliverClipboard(text: string, toolEnv: ToolEnv): Promise<DeliveryResult> {
    try {
      const typingTool = opts.autoPaste === false ? null : await findTypingTool(toolEnv);
      const result = await pasteVia(text, toolEnv, typingTool, opts.restoreClipboard ?? false);
      return { mode: 'clipboard', ok: true, message: result.message };
    } catch (err) {
      return { mode: 'none', ok: false, message: `${errorText(err)}: the transcript is only in the history` };
    }
  }

  return {
    mode,
    async deliver(raw) {
      // Only text reaches the tools, typed or pasted: never a key (Enter, Escape) hidden in the transcript.
      const text = plainText(raw);
      if (mode === 'none' || text === '') return { mode, ok: true };
      // Resolved per delivery so a tool installed while the app runs is picked up.
      const toolEnv = resolveToolEnv(opts);
      try {
        return mode === 'type' ? await deliverTyped(text, toolEnv) : await deliverClipboard(text, toolEnv);
      } catch (err) {
        // Belt and braces: the promise above never rejects by design, but a transcript must not be
        // lost to an unexpected error in the output path either.
        return { mode: 'none', ok: false, message: `output failed: ${errorText(err)}` };
      }
    },
  };
}
