/** What the user reads when the microphone cannot be used: what happened and what to do about it. */
export class MicUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MicUnavailable';
  }
}

export function describeMicError(error: unknown): string {
  if (error instanceof MicUnavailable) return error.message;
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone permission was denied. Allow microphone access for Swictation, then press Dictate again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one, then press Dictate again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be opened: another application may be using it.';
    default:
      return `The microphone could not be started: ${error instanceof Error ? error.message : String(error)}`;
  }
}
