import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './browser';

/** `npm start` as a person types it, in a process group of its own so Ctrl+C reaches npm, tsx and the engine. */
export interface NpmStart {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Ctrl+C to the whole group, then how npm ended (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<Ended>;
  exited: Promise<Ended>;
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** npm re-raises the Ctrl+C it was sent, so a clean stop ends by SIGINT (or exits 0 if it was quicker). */
export const stoppedCleanly = (e: Ended) => e.code === 0 || (e.code === null && e.signal === 'SIGINT');

export function npmStart(env: NodeJS.ProcessEnv): NpmStart {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const waiters = new Set<() => void>();
  const take = (d: string) => {
    text += d;
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', take);
  const exited = new Promise<Ended>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of [...waiters]) w();
  });

  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };

  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) finish(() => resolve(match));
          else if (done)
            finish(() => reject(new Error(`npm start exited before ${String(pattern)}:\n${text}`)));
        };
        const finish = (settle: () => void) => {
          waiters.delete(check);
          clearTimeout(timer);
          settle();
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${text}`))),
          timeoutMs,
        );
        waiters.add(check);
        check();
      }),
    stop: async (graceMs = 15_000) => {
      if (done) return exited;
      group('SIGINT');
      const killer = setTimeout(() => group('SIGKILL'), graceMs);
      const ended = await exited;
      clearTimeout(killer);
      return ended;
    },
  };
}

/** Lines that only a crash prints: a stack frame, or an uncaught error's header. */
export function stackTraceLines(output: string): string[] {
  return output.split('\n').filter((l) => /^\s+at\s/.test(l) || /^(Uncaught )?\w*Error:/.test(l.trim()));
}
