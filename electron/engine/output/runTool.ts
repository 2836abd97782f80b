import { spawn } from 'node:child_process';

export interface RunToolOptions {
  /** Killed (SIGKILL) and rejected after this long: a stuck tool must not stall dictation. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /** Collect stdout (readers); writers leave it unread. */
  captureStdout?: boolean;
  /**
   * Settle when the process exits instead of when its pipes close. Clipboard writers on X11 and
   * Wayland (xclip, xsel, wl-copy) fork a child that owns the selection and keeps our pipes open
   * until another program takes the clipboard; waiting for 'close' would hang until then.
   */
  untilExit?: boolean;
}

export interface RunToolResult {
  stdout: string;
  stderr: string;
}

/**
 * A tool that failed: not found, non-zero exit, killed by a signal or timed out. The message names
 * the tool and carries its stderr, never its arguments, which may hold dictated text.
 */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

const STDERR_GRACE_MS = 100;

function toolName(command: string): string {
  return command.split(/[\\/]/).pop() ?? command;
}

/**
 * Runs a tool directly (no shell, so nothing in the arguments is ever interpreted) and resolves
 * with its output when it exits with status 0.
 */
export function runTool(command: string, args: string[], opts: RunToolOptions): Promise<RunToolResult> {
  const name = toolName(command);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', opts.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);

    const finish = (error: ToolError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (opts.untilExit) {
        // The forked selection owner may still hold the write end of stderr: keep draining it
        // (so it never gets SIGPIPE) but let this process exit without waiting for it.
        const pipe = child.stderr as { unref?: () => void } | null;
        pipe?.unref?.();
      }
      if (error) reject(error);
      else resolve({ stdout, stderr });
    };

    const failure = (code: number | null, signal: NodeJS.Signals | null): ToolError => {
      const detail = stderr.trim();
      const how = timedOut
        ? `timed out after ${opts.timeoutMs} ms`
        : signal
          ? `was killed by ${signal}`
          : `failed (exit ${code ?? '?'})`;
      return new ToolError(`${name} ${how}${detail ? `: ${detail}` : ''}`, name, code, detail, timedOut);
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' ? 'is not installed or not on PATH' : `could not start: ${err.message}`;
      finish(new ToolError(`${name} ${why}`, name, null, '', false));
    });

    const settleOn = opts.untilExit ? 'exit' : 'close';
    child.on(settleOn, (code: number | null, signal: NodeJS.Signals | null) => {
      if (code === 0 && !timedOut) {
        finish(null);
        return;
      }
      if (!opts.untilExit) {
        finish(failure(code, signal));
        return;
      }
      // 'exit' can come before the last stderr bytes are read: give them a moment so the error
      // message is complete.
      const done = (): void => finish(failure(code, signal));
      child.stderr?.once('end', done);
      setTimeout(done, STDERR_GRACE_MS).unref();
    });

    if (child.stdin) {
      // A tool that exits without reading stdin makes the write fail with EPIPE; its exit status
      // is the error worth reporting, so this one is swallowed.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
