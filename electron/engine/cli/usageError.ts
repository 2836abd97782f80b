/** Bad input from the user: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command could not do its job for a reason outside the program (no microphone, …): one line, exit code 1. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}
