import { secondInstanceCommand, type AppCommand } from './commandLine';

/**
 * The 'second-instance' handler, apart from Electron: what a later launch asks the running app to do. The
 * handoff data comes from another process (any version of the app, or anything that takes the lock), so
 * it is checked, a malformed one is logged and the launch's own command line used instead; it never throws.
 */
export function secondInstanceRequest(
  argv: unknown,
  additionalData: unknown,
  log: (message: string) => void,
): AppCommand {
  const launchArgv = Array.isArray(argv) ? argv.filter((a): a is string => typeof a === 'string') : [];
  if (!isHandoff(additionalData)) {
    log(
      `second launch: its handoff data is not { argv: string[] } (${describe(additionalData)}); using its argv`,
    );
  }
  try {
    return secondInstanceCommand(additionalData, launchArgv);
  } catch (error) {
    log(`second launch: ${error instanceof Error ? error.message : String(error)}; opening the app`);
    return 'open';
  }
}

function isHandoff(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const argv = (data as { argv?: unknown }).argv;
  return Array.isArray(argv) && argv.every((a) => typeof a === 'string');
}

function describe(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  return typeof data === 'object' ? 'an object without a string-array argv' : typeof data;
}
