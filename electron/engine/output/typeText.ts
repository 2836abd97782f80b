import { keyComboArgs, parseKeyCombo, type YdotoolFlavor } from './keyCombo';
import { runTool } from './runTool';
import { resolveToolEnv, findExecutable, type ToolEnv } from './toolEnv';
import { findTypingTool, typingInstallHint, type TypingTool, type TypingToolName } from './typingTools';

export interface TypeTextOptions extends Partial<ToolEnv> {
  /** A detected tool, or a tool name to look up on PATH; default: the one for this session. */
  tool?: TypingTool | TypingToolName;
  /** Milliseconds between keystrokes (xdotool; wtype and ydotool use their own fixed pacing). */
  delayMs?: number;
  /** Per tool invocation; default grows with the text so long dictations are not cut off. */
  timeoutMs?: number;
}

/** Thrown when there is nothing on this desktop that can type (the caller falls back to the clipboard). */
export class NoTypingToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoTypingToolError';
  }
}

export const DEFAULT_KEY_DELAY_MS = 12;
/**
 * Long texts are typed in pieces: one argument must stay well under Linux's 128 KiB per-argument
 * limit, and each piece gets its own timeout instead of one huge one.
 */
const CHUNK_CODE_POINTS = 1000;

export function splitForTyping(text: string, size = CHUNK_CODE_POINTS): string[] {
  // Split on code points, not UTF-16 units, so no emoji or CJK surrogate pair is cut in half.
  const points = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < points.length; i += size) chunks.push(points.slice(i, i + size).join(''));
  return chunks;
}

/**
 * Arguments for typing `text` literally. The text always follows `--`, so a transcript that starts
 * with "-" is typed, never read as an option; no shell is involved, so nothing in it is expanded.
 */
export function typingArgs(tool: TypingToolName, text: string, delayMs = DEFAULT_KEY_DELAY_MS): string[] {
  switch (tool) {
    case 'xdotool':
      // --clearmodifiers: the user may still hold the dictation hotkey's modifiers; without this,
      // "s" would arrive as ctrl+s.
      return ['type', '--clearmodifiers', '--delay', String(Math.max(0, Math.round(delayMs))), '--', text];
    case 'wtype':
      return ['--', text];
    case 'ydotool':
      return ['type', '--', text];
  }
}

async function resolveTool(opts: TypeTextOptions, toolEnv: ToolEnv): Promise<TypingTool> {
  if (typeof opts.tool === 'object') return opts.tool;
  if (typeof opts.tool === 'string') {
    const found = await findExecutable(opts.tool, toolEnv);
    if (!found) throw new NoTypingToolError(`${opts.tool} is not installed or not on PATH`);
    return { name: opts.tool, path: found };
  }
  const found = await findTypingTool(toolEnv);
  if (!found) throw new NoTypingToolError(`no typing tool found: ${typingInstallHint(toolEnv)}`);
  return found;
}

/** Types `text` into the focused window. Rejects with a ToolError (carrying stderr) if the tool fails. */
export async function typeText(text: string, opts: TypeTextOptions = {}): Promise<void> {
  if (text === '') return;
  const toolEnv = resolveToolEnv(opts);
  const tool = await resolveTool(opts, toolEnv);
  const delayMs = opts.delayMs ?? DEFAULT_KEY_DELAY_MS;
  for (const chunk of splitForTyping(text)) {
    const timeoutMs = opts.timeoutMs ?? 10_000 + chunk.length * (delayMs + 5) * 2;
    await runTool(tool.path, typingArgs(tool.name, chunk, delayMs), { env: toolEnv.env, timeoutMs });
  }
}

const ydotoolFlavors = new Map<string, Promise<YdotoolFlavor>>();

/**
 * ydotool 1.x prints "ydotool version(or hash)" for --version and wants raw key codes; 0.1.x has
 * no --version and wants names. Guessing wrong is not harmless (0.1.x reads "29:1" as the key "2",
 * 1.x reads "ctrl" as key 0), so the installed generation is asked once per binary.
 */
function ydotoolFlavor(tool: TypingTool, toolEnv: ToolEnv): Promise<YdotoolFlavor> {
  let flavor = ydotoolFlavors.get(tool.path);
  if (!flavor) {
    flavor = runTool(tool.path, ['--version'], {
      env: toolEnv.env,
      timeoutMs: 3000,
      captureStdout: true,
    }).then(
      ({ stdout }) => (/version\(or hash\)/i.test(stdout) ? 'keycodes' : 'names'),
      () => 'names' as const,
    );
    ydotoolFlavors.set(tool.path, flavor);
  }
  return flavor;
}

export interface PressKeysOptions extends Partial<ToolEnv> {
  tool?: TypingTool | TypingToolName;
  timeoutMs?: number;
}

/**
 * Presses a chord like "ctrl+v" in the focused window and resolves once the tool has exited, i.e.
 * once the key events have been handed to the display server.
 */
export async function pressKeys(combo: string, opts: PressKeysOptions = {}): Promise<void> {
  const parsed = parseKeyCombo(combo);
  const toolEnv = resolveToolEnv(opts);
  const tool = await resolveTool(opts, toolEnv);
  const flavor = tool.name === 'ydotool' ? await ydotoolFlavor(tool, toolEnv) : undefined;
  await runTool(tool.path, keyComboArgs(tool.name, parsed, flavor), {
    env: toolEnv.env,
    timeoutMs: opts.timeoutMs ?? 5000,
  });
}
