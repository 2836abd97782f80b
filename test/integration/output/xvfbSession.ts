import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { runTool } from '../../../electron/engine/output/runTool';
import { findExecutable } from '../../../electron/engine/output/toolEnv';

/**
 * A throwaway X server (Xvfb) with an xterm whose input goes to a file, so typing and pasting can
 * be checked end to end with the real tools. Every process started here is tracked and killed by
 * stop(), which is safe to call after a failed start.
 */
export interface XvfbSession {
  display: string;
  /** This process's env with DISPLAY pointing at the session and any Wayland hints removed. */
  env: NodeJS.ProcessEnv;
  /** Starts `xterm -e sh -c 'cat > outFile'` and focuses it; resolves with its window id. */
  openCatTerminal(outFile: string, xtermArgs?: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Tools a session needs that are not installed (empty when the test can run). */
export async function missingTools(names: string[]): Promise<string[]> {
  const toolEnv = { env: process.env, platform: process.platform };
  const found = await Promise.all(names.map((n) => findExecutable(n, toolEnv)));
  return names.filter((_, i) => found[i] === null);
}

function readDisplayNumber(stream: Readable, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`Xvfb did not report a display within ${timeoutMs} ms`)),
      timeoutMs,
    );
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const match = /^(\d+)\n/.exec(text);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    stream.on('end', () => {
      clearTimeout(timer);
      reject(new Error('Xvfb exited before reporting its display'));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startXvfb(): Promise<XvfbSession> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    // Clients first, the server last.
    for (const child of children.reverse()) await stopProcess(child);
  };
  // Killed even if the test runner exits without running its hooks.
  const onExit = (): void => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', onExit);

  try {
    // -displayfd: Xvfb picks a free display number itself and writes it to fd 3 once it accepts
    // connections, so there is no race with other X servers on this machine and no polling.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '800x600x24'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    children.push(xvfb);
    let xvfbLog = '';
    xvfb.stderr?.setEncoding('utf8').on('data', (c: string) => (xvfbLog += c));
    const fd3 = xvfb.stdio[3] as Readable | null;
    if (!fd3) throw new Error('Xvfb: no pipe on fd 3');
    const number = await readDisplayNumber(fd3, 10_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${xvfbLog}`);
    });
    const display = `:${number}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
    delete env['WAYLAND_DISPLAY'];
    delete env['XDG_SESSION_TYPE'];

    return {
      display,
      env,
      async openCatTerminal(outFile, xtermArgs = []) {
        const windowClass = `SwictationTest${process.pid}x${children.length}`;
        const xterm = spawn(
          'xterm',
          [
            '-class',
            windowClass,
            '-geometry',
            '80x10+0+0',
            ...xtermArgs,
            '-e',
            'sh',
            '-c',
            'cat > "$1"',
            'sh',
            outFile,
          ],
          { env, stdio: 'ignore' },
        );
        children.push(xterm);
        // --onlyvisible: wait for the window to be mapped, since focusing an unmapped one fails.
        const { stdout } = await runTool(
          'xdotool',
          ['search', '--sync', '--onlyvisible', '--class', windowClass],
          {
            env,
            timeoutMs: 10_000,
            captureStdout: true,
          },
        );
        const windowId = stdout.trim().split('\n')[0];
        if (!windowId) throw new Error('xterm window not found');
        // No window manager runs here, so windowactivate (_NET_ACTIVE_WINDOW) is unavailable;
        // windowfocus sets X input focus directly, which is where XTEST key events go.
        await runTool('xdotool', ['windowfocus', '--sync', windowId], { env, timeoutMs: 5000 });
        return windowId;
      },
      async stop() {
        process.removeListener('exit', onExit);
        await stop();
      },
    };
  } catch (err) {
    process.removeListener('exit', onExit);
    await stop();
    throw err;
  }
}

/** Polls `file` until it contains `expected` (or the time is up) and returns its content. */
export async function waitForFileContent(file: string, expected: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let content = '';
  while (Date.now() < deadline) {
    content = await readFile(file, 'utf8').catch(() => '');
    if (content.includes(expected)) return content;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return content;
}
