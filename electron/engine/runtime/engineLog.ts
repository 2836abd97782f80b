import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import type { EngineEvent } from '../../../shared/engineEvents';
import { describeEvent } from '../../../shared/describeEvent';

/**
 * The engine's log in the user data folder: every event but the per-interval samples and the status pushed
 * with them (a few a second near a threshold), one line
 * each, rotated by size so a long-running tray app never fills the disk.
 */
export class EngineLog {
  private readonly stream: RotatingFileStream;

  constructor(logsDir: string) {
    this.stream = createStream('engine.log', { path: logsDir, size: '2M', maxFiles: 5 });
    // A full disk or a read-only folder must not take the engine down: logging is best effort.
    this.stream.on('error', () => undefined);
  }

  write(event: EngineEvent): void {
    if (event.type === 'sample' || event.type === 'status' || event.type === 'input') return;
    this.stream.write(`${new Date().toISOString()} ${describeEvent(event)}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
