import { EngineClient } from '../../shared/engineClient';
import type { EngineEvent } from '../../shared/engineEvents';
import type { Port } from '../../shared/port';
import type { Settings } from '../../shared/settings';
import type { Clock, TimerHandle } from '../engine/runtime/clock';
import { RestartPolicy, type RestartPolicyOptions } from './restartPolicy';

/**
 * Keeps one engine process alive. It starts the engine through an injected `spawn()` (Electron:
 * utilityProcess.fork; tests: child_process.fork), applies the settings once the engine answers,
 * restarts it with exponential backoff after a crash, and ends a crash loop in a visible 'failed'
 * state. Time comes from an injected clock so the policy is tested without real timers.
 */
export type SupervisorState = 'idle' | 'starting' | 'live' | 'restarting' | 'failed' | 'stopped';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

/** One engine process as the supervisor sees it, whatever started it. */
export interface EngineProcess {
  readonly pid: number | undefined;
  /** The message transport to the engine (utility parentPort or child_process IPC). */
  readonly port: Port;
  /** Called once, when the process has ended for any reason. */
  onExit(listener: (exit: ExitInfo) => void): void;
  /** Ask it to stop: the engine closes its log and exits on SIGTERM. */
  terminate(): void;
  /** Stop it now: a hung engine ignores SIGTERM. */
  forceKill(): void;
}

export interface SupervisorSnapshot {
  state: SupervisorState;
  pid: number | null;
  /** Processes started after the first one. */
  restarts: number;
  lastExit: ExitInfo | null;
  /** Why the engine failed or is restarting, in words for the tray and the UI. */
  message: string | null;
  /** When the next start is due ('restarting' only). */
  nextStartAtMs: number | null;
  /** The engine came up but refused the settings we sent (they stay as the engine has them). */
  settingsError: string | null;
}

export interface HeartbeatOptions {
  everyMs: number;
  /** No answer to a ping within this long: the engine is hung and is restarted. */
  timeoutMs: number;
}

export interface SupervisorOptions<P extends EngineProcess> {
  spawn: () => P;
  clock: Clock;
  /** The settings to apply whenever an engine comes up; null leaves the engine's own. */
  settings?: () => Settings | null | Promise<Settings | null>;
  restart?: Partial<RestartPolicyOptions>;
  /** An engine that has said nothing this long after starting is treated as hung. */
  startTimeoutMs?: number;
  heartbeat?: HeartbeatOptions | null;
  /** How long a SIGTERM may take before the process is killed outright. */
  stopTimeoutMs?: number;
  /** Where listener failures go (they must never break the supervisor's state machine). */
  onListenerError?: (error: unknown) => void;
}

interface Incarnation<P> {
  gen: number;
  proc: P;
  client: EngineClient;
  timers: Set<TimerHandle>;
  exited: boolean;
  /** Why we asked it to stop; null while it is wanted. */
  stopReason: 'stop' | 'restart' | 'hung' | null;
  hungMessage: string | null;
}

const DEFAULT_HEARTBEAT: HeartbeatOptions = { everyMs: 10_000, timeoutMs: 20_000 };

export class EngineSupervisor<P extends EngineProcess = EngineProcess> {
  private state: SupervisorState = 'idle';
  private current: Incarnation<P> | null = null;
  private gen = 0;
  private started = 0;
  private lastExit: ExitInfo | null = null;
  private message: string | null = null;
  private nextStartAtMs: number | null = null;
  private settingsError: string | null = null;
  private restartTimer: TimerHandle | null = null;
  private readonly policy: RestartPolicy;
  private readonly stateListeners = new Set<(s: SupervisorSnapshot) => void>();
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private readonly liveListeners = new Set<(client: EngineClient, proc: P) => void>();
  private readonly stopWaiters = new Set<() => void>();

  constructor(private readonly options: SupervisorOptions<P>) {
    this.policy = new RestartPolicy(options.restart);
  }

  snapshot(): SupervisorSnapshot {
    return {
      state: this.state,
      pid: this.current && !this.current.exited ? (this.current.proc.pid ?? null) : null,
      restarts: Math.max(0, this.started - 1),
      lastExit: this.lastExit,
      message: this.message,
      nextStartAtMs: this.nextStartAtMs,
      settingsError: this.settingsError,
    };
  }

  /** The client of the live engine; null while it is starting, restarting, failed or stopped. */
  get client(): EngineClient | null {
    return this.state === 'live' ? (this.current?.client ?? null) : null;
  }

  /** The live engine process (the port broker transfers ports to it). */
  get process(): P | null {
    return this.state === 'live' ? (this.current?.proc ?? null) : null;
  }

  onState(listener: (s: SupervisorSnapshot) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Engine events from whichever process is current: subscribers survive restarts. */
  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Every time an engine becomes live (first start and each restart) with its fresh client. */
  onLive(listener: (client: EngineClient, proc: P) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  start(): void {
    if (this.state === 'starting' || this.state === 'live' || this.state === 'restarting') return;
    this.policy.reset();
    this.message = null;
    this.launch();
  }

  /**
   * The user's "Restart engine": from 'failed' or 'stopped' it starts afresh; a running engine is
   * stopped and started again without counting as a crash.
   */
  restart(): void {
    const cur = this.current;
    if (cur && !cur.exited && this.state !== 'restarting') {
      this.policy.reset();
      this.ask(cur, 'restart');
      return;
    }
    this.cancelRestartTimer();
    this.state = 'idle';
    this.start();
  }

  /** Stop for good (app quit): no restart follows. Resolves once the process has exited. */
  stop(): Promise<void> {
    this.cancelRestartTimer();
    const cur = this.current;
    if (!cur || cur.exited) {
      this.setState('stopped');
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.stopWaiters.add(resolve));
    this.ask(cur, 'stop');
    return done;
  }

  private launch(): void {
    this.restartTimer = null;
    this.nextStartAtMs = null;
    this.settingsError = null;
    let proc: P;
    try {
      proc = this.options.spawn();
    } catch (error) {
      // A spawn that throws (missing entry, no fork support) is a crash like any other.
      this.started++;
      this.handleExit(null, { code: null, signal: null }, `could not start the engine: ${errorText(error)}`);
      return;
    }
    this.started++;
    const inc: Incarnation<P> = {
      gen: ++this.gen,
      proc,
      client: new EngineClient(proc.port),
      timers: new Set(),
      exited: false,
      stopReason: null,
      hungMessage: null,
    };
    this.current = inc;
    this.setState('starting');
    inc.client.onEvent((e) => {
      if (this.current === inc) this.emit(this.eventListeners, e);
    });
    proc.onExit((exit) => this.handleExit(inc, exit));
    // The engine posts its first message (a report event) once it serves requests: a request sent
    // before that could be lost, so readiness is "it spoke", not "it was spawned".
    const stopFirst = proc.port.onMessage(() => {
      stopFirst();
      void this.becomeLive(inc);
    });
    const startTimeoutMs = this.options.startTimeoutMs ?? 60_000;
    this.timer(inc, startTimeoutMs, () => {
      if (this.state === 'starting' && this.current === inc)
        this.hung(inc, `the engine did not start within ${Math.round(startTimeoutMs / 1000)} s`);
    });
  }

  private async becomeLive(inc: Incarnation<P>): Promise<void> {
    const settings = await this.loadSettings();
    if (!this.wanted(inc)) return;
    if (settings) {
      try {
        await inc.client.call('settings.set', { settings });
      } catch (error) {
        if (!this.wanted(inc)) return;
        this.settingsError = `the engine refused the saved settings: ${errorText(error)}`;
      }
    }
    // The engine may have exited or been stopped while we awaited.
    if (!this.wanted(inc) || this.state !== 'starting') return;
    this.clearTimers(inc);
    this.message = null;
    this.setState('live');
    for (const l of this.liveListeners) this.guard(() => l(inc.client, inc.proc));
    this.scheduleHeartbeat(inc);
  }

  /** Still the current process, running, and not being stopped. */
  private wanted(inc: Incarnation<P>): boolean {
    return this.current === inc && !inc.exited && inc.stopReason === null;
  }

  private async loadSettings(): Promise<Settings | null> {
    try {
      return (await this.options.settings?.()) ?? null;
    } catch (error) {
      this.settingsError = `could not read the settings to apply: ${errorText(error)}`;
      return null;
    }
  }

  private scheduleHeartbeat(inc: Incarnation<P>): void {
    const hb = this.options.heartbeat === undefined ? DEFAULT_HEARTBEAT : this.options.heartbeat;
    if (!hb) return;
    this.timer(inc, hb.everyMs, () => {
      if (this.current !== inc || this.state !== 'live') return;
      let answered = false;
      const deadline = this.timer(inc, hb.timeoutMs, () => {
        if (!answered && this.current === inc && this.state === 'live')
          this.hung(inc, `the engine did not answer for ${Math.round(hb.timeoutMs / 1000)} s`);
      });
      inc.client.call('ping').then(
        () => {
          answered = true;
          deadline.cancel();
          inc.timers.delete(deadline);
          this.scheduleHeartbeat(inc);
        },
        () => undefined, // the client was closed: the exit handler takes over
      );
    });
  }

  /** A hung engine is stopped; its exit then counts as a crash and follows the restart policy. */
  private hung(inc: Incarnation<P>, message: string): void {
    inc.hungMessage = message;
    this.ask(inc, 'hung');
  }

  private ask(inc: Incarnation<P>, reason: 'stop' | 'restart' | 'hung'): void {
    inc.stopReason = reason;
    this.clearTimers(inc);
    inc.client.close(reason === 'stop' ? 'the engine is stopping' : 'the engine is restarting');
    // A hung engine will not handle SIGTERM; a healthy one gets a moment to close its log.
    if (reason === 'hung') inc.proc.forceKill();
    else inc.proc.terminate();
    this.timer(inc, this.options.stopTimeoutMs ?? 5000, () => {
      if (!inc.exited) inc.proc.forceKill();
    });
  }

  private handleExit(inc: Incarnation<P> | null, exit: ExitInfo, why?: string): void {
    if (inc) {
      if (inc.exited) return;
      inc.exited = true;
      this.clearTimers(inc);
      inc.client.close('the engine exited');
      if (this.current !== inc) return;
    }
    this.lastExit = exit;
    const reason = inc?.stopReason ?? null;
    if (reason === 'stop') {
      this.setState('stopped');
      for (const w of this.stopWaiters) w();
      this.stopWaiters.clear();
      return;
    }
    if (reason === 'restart') {
      this.message = null;
      this.launch();
      return;
    }
    const what = why ?? inc?.hungMessage ?? `the engine ${describeExit(exit)}`;
    const decision = this.policy.crashed(this.options.clock.now());
    if (decision.action === 'give-up') {
      this.message = `${decision.reason}; last: ${what}`;
      this.setState('failed');
      return;
    }
    this.message = `${what}; restarting (attempt ${decision.attempt})`;
    this.nextStartAtMs = this.options.clock.now() + decision.delayMs;
    this.restartTimer = this.options.clock.setTimeout(() => this.launch(), decision.delayMs);
    this.setState('restarting');
  }

  private timer(inc: Incarnation<P>, ms: number, fn: () => void): TimerHandle {
    const handle = this.options.clock.setTimeout(() => {
      inc.timers.delete(handle);
      fn();
    }, ms);
    inc.timers.add(handle);
    return handle;
  }

  private clearTimers(inc: Incarnation<P>): void {
    for (const t of inc.timers) t.cancel();
    inc.timers.clear();
  }

  private cancelRestartTimer(): void {
    this.restartTimer?.cancel();
    this.restartTimer = null;
    this.nextStartAtMs = null;
  }

  private setState(state: SupervisorState): void {
    this.state = state;
    const snap = this.snapshot();
    for (const l of this.stateListeners) this.guard(() => l(snap));
  }

  private emit<T>(listeners: Set<(v: T) => void>, value: T): void {
    for (const l of listeners) this.guard(() => l(value));
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.options.onListenerError?.(error);
    }
  }
}

export function describeExit(exit: ExitInfo): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  if (exit.code === null) return 'exited';
  return `exited with code ${exit.code}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
