import { describeExit } from './bridge';
import type { Harness } from './server';

/** Engine output worth a person's attention: its warnings and errors, not every event line. */
export function engineLinePrinter(verbose: boolean): (line: string) => void {
  return (line) => {
    if (verbose || /error|warn/i.test(line)) process.stdout.write(`engine: ${line}\n`);
  };
}

/**
 * Keep serving until Ctrl+C (or SIGTERM), then stop the engine and the server and exit 0. An engine that dies
 * on its own is reported in one line plus the tail of its stderr; `restartHint` says how to bring it back.
 * Returns the quit function, for callers that also quit on a typed command.
 */
export function serveUntilStopped(harness: Harness, restartHint: string): () => Promise<void> {
  harness.bridge.onExit((exit) => {
    if (exit.requested) return;
    process.stdout.write(`engine exited (${describeExit(exit)}); ${restartHint}\n`);
    if (exit.stderrTail) process.stdout.write(`${exit.stderrTail}\n`);
  });
  let quitting = false;
  const quit = async () => {
    if (quitting) return;
    quitting = true;
    await harness.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void quit());
  process.on('SIGTERM', () => void quit());
  return quit;
}
