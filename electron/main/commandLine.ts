/**
 * The app's command line, parsed by pure functions. `swictation --toggle` and
 * `swictation --restore-gpu` started while the app runs are handed to the running instance (the
 * single-instance lock), so a desktop-environment shortcut bound to them works where global
 * shortcuts do not (Wayland).
 */
export const APP_COMMANDS = ['toggle', 'restore-gpu', 'open', 'settings'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

export interface LaunchOptions {
  /** The first command flag given, or null. */
  command: AppCommand | null;
  /** Passed through to the engine process (a simulated GPU for demos and end-to-end tests). */
  engineArgs: string[];
}

/** `--catalog FILE`: more models to offer (a mirror's catalog), as the README documents for the app too. */
const ENGINE_OPTIONS = ['scenario', 'probe', 'speech', 'catalog'] as const;

/**
 * Scan argv for our flags. Unknown arguments are ignored rather than rejected: Electron's argv
 * holds the executable, the app path and Chromium's own switches, which vary by platform.
 */
export function parseCommandLine(argv: readonly string[]): LaunchOptions {
  let command: AppCommand | null = null;
  const engineArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (command === null && isCommand(name) && eq === -1) {
      command = name;
      continue;
    }
    if ((ENGINE_OPTIONS as readonly string[]).includes(name)) {
      const value = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith('--'))) continue;
      if (eq === -1) i++;
      engineArgs.push(`--${name}`, value);
    }
  }
  return { command, engineArgs };
}

function isCommand(name: string): name is AppCommand {
  return (APP_COMMANDS as readonly string[]).includes(name);
}

/** What the second instance sends with requestSingleInstanceLock: its own argv, untouched. */
export interface HandoffData {
  argv: string[];
}

export function handoffData(argv: readonly string[]): HandoffData {
  return { argv: [...argv] };
}

/**
 * The command a second launch asks for. The handoff data is preferred: the `argv` Electron gives
 * the 'second-instance' event may have Chromium switches added or be rewritten on some platforms.
 * A plain second launch means "show me the app".
 */
export function secondInstanceCommand(additionalData: unknown, argv: readonly string[]): AppCommand {
  const sent = handoffArgv(additionalData);
  return parseCommandLine(sent ?? argv).command ?? 'open';
}

function handoffArgv(data: unknown): string[] | null {
  if (typeof data !== 'object' || data === null) return null;
  const argv = (data as { argv?: unknown }).argv;
  if (!Array.isArray(argv) || !argv.every((a): a is string => typeof a === 'string')) return null;
  return argv;
}
