import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EngineClient } from '../../../shared/engineClient';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { Port } from '../../../shared/port';

const ENTRY = fileURLToPath(new URL('../../../electron/engine/main.ts', import.meta.url));

export interface ForkedEngine {
  child: ChildProcess;
  port: Port;
  client: EngineClient;
  events: EngineEvent[];
  /** Resolves with the first event (already seen or to come) that matches. */
  waitFor: (pred: (e: EngineEvent) => boolean, timeoutMs?: number) => Promise<EngineEvent>;
  stop: () => Promise<void>;
}

/**
 * Start the real engine entry as a child process, the way the browser harness and Electron do: its
 * TypeScript sources through tsx, or with `bundle` a bundled engine (build/app/bundle.ts) under plain Node,
 * as the packaged app runs it.
 */
export function forkEngine(
  args: string[],
  home: string,
  env: NodeJS.ProcessEnv = {},
  bundle?: string,
): ForkedEngine {
  const child = fork(bundle ?? ENTRY, args, {
    execArgv: bundle ? [] : ['--import', 'tsx'],
    env: { ...process.env, ...env, SWICTATION_HOME: home },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone, as Electron's utilityProcess uses: Float32Array audio frames arrive as Float32Array.
    serialization: 'advanced',
  });
  const port: Port = {
    post: (m) => child.send(m as object),
    onMessage: (h) => {
      child.on('message', h);
      return () => child.off('message', h);
    },
  };
  const client = new EngineClient(port);
  const events: EngineEvent[] = [];
  const waiters = new Set<() => void>();
  client.onEvent((e) => {
    events.push(e);
    for (const w of waiters) w();
  });
  const waitFor = (pred: (e: EngineEvent) => boolean, timeoutMs = 15_000) =>
    new Promise<EngineEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find(pred);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`timed out waiting for an engine event; saw ${events.map((e) => e.type).join(',')}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const stop = async () => {
    client.close();
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, port, client, events, waitFor, stop };
}
