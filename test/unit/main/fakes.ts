import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';
import { memoryPortPair, type Port } from '../../../shared/port';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import type { EngineProcess, ExitInfo } from '../../../electron/main/engineSupervisor';
import { engineStatus } from '../../fixtures/engineStatus';

/** Lets queued microtasks (in-memory port deliveries, awaited calls) run to completion. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

export const STATUS: EngineStatus = engineStatus();

export interface FakeEngineOptions {
  /** Post a first event as soon as it starts (the real engine's report): it is serving. */
  announce?: boolean;
  answerPings?: boolean;
  rejectSettings?: string | null;
}

let nextPid = 1000;

/**
 * An engine process stand-in over an in-memory port: it answers the contract's requests the way
 * the engine does, records what it was sent, and crashes or exits when told.
 */
export class FakeEngine implements EngineProcess {
  readonly pid = nextPid++;
  readonly port: Port;
  private readonly inside: Port;
  private exitListeners: ((e: ExitInfo) => void)[] = [];
  exited: ExitInfo | null = null;
  settingsSet: Settings[] = [];
  settings: Settings = DEFAULT_SETTINGS;
  status: EngineStatus = STATUS;
  requests: string[] = [];
  terminated = 0;
  forceKilled = 0;
  answerPings: boolean;

  constructor(private readonly opts: FakeEngineOptions = {}) {
    [this.port, this.inside] = memoryPortPair();
    this.answerPings = opts.answerPings ?? true;
    this.inside.onMessage((m) => this.handle(m));
    if (opts.announce ?? true) queueMicrotask(() => this.emit({ type: 'report', text: 'ready' }));
  }

  emit(event: EngineEvent): void {
    if (!this.exited) this.inside.post({ v: 1, kind: 'event', event });
  }

  onExit(listener: (e: ExitInfo) => void): void {
    this.exitListeners.push(listener);
  }

  /** The process ends (a crash unless we asked it to stop). */
  exit(info: ExitInfo): void {
    if (this.exited) return;
    this.exited = info;
    for (const l of this.exitListeners) l(info);
  }

  crash(signal: string | null = 'SIGKILL'): void {
    this.exit({ code: signal ? null : 1, signal });
  }

  terminate(): void {
    this.terminated++;
    queueMicrotask(() => this.exit({ code: 0, signal: null }));
  }

  forceKill(): void {
    this.forceKilled++;
    queueMicrotask(() => this.exit({ code: null, signal: 'SIGKILL' }));
  }

  private handle(raw: unknown): void {
    if (this.exited) return;
    const m = raw as { id: number; method: string; params: Record<string, unknown> };
    this.requests.push(m.method);
    const ok = (result: unknown) => this.inside.post({ v: 1, kind: 'response', id: m.id, ok: true, result });
    const fail = (message: string) =>
      this.inside.post({
        v: 1,
        kind: 'response',
        id: m.id,
        ok: false,
        error: { code: 'bad-params', message },
      });
    switch (m.method) {
      case 'ping':
        if (this.answerPings) ok({ protocol: 1, pid: this.pid });
        break;
      case 'settings.set':
        if (this.opts.rejectSettings) {
          fail(this.opts.rejectSettings);
          break;
        }
        this.settings = m.params['settings'] as Settings;
        this.settingsSet.push(this.settings);
        // As the engine does: every client hears of an accepted change, then the caller gets its answer.
        this.emit({ type: 'settings', settings: this.settings });
        ok(this.settings);
        break;
      case 'settings.get':
        ok(this.settings);
        break;
      case 'status':
        ok(this.status);
        break;
      case 'restore':
        ok({ ok: false, reasons: ['GPU memory is at the EMERGENCY level (96.0% used)'], moved: [] });
        break;
      case 'dictation.start':
        ok({ source: String(m.params['source']) });
        break;
      case 'dictation.stop':
        ok({ transcripts: 0 });
        break;
      default:
        fail(`unknown method ${m.method}`);
    }
  }
}
