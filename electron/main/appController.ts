import type { EngineClient } from '../../shared/engineClient';
import type { EngineEvent, EngineStatus } from '../../shared/engineEvents';
import type { Settings } from '../../shared/settings';
import { INITIAL_APP_STATE, type AppState } from './appState';
import type { AppCommand } from './commandLine';
import type { SupervisorSnapshot } from './engineSupervisor';
import { LevelNotifier, type NotificationText, type NowClock } from './notifications';
import type { SettingsWarning } from './settingsStore';
import type { TrayAction } from './trayMenu';

/**
 * Main's own use of the engine: it keeps the tray's state (supervisor state, the engine's status,
 * dictation, warnings) up to date from the supervisor and the engine's events, turns level changes
 * into rate-limited notifications, and carries out tray actions and handed-off commands. The engine
 * pushes its status and every accepted settings change: main asks for them once per engine (when it
 * goes live) and follows the events after. No Electron here: index.ts injects the tray renderer, the
 * notifier and the windows.
 */
export interface SupervisorView {
  snapshot(): SupervisorSnapshot;
  readonly client: EngineClient | null;
  onState(listener: (s: SupervisorSnapshot) => void): () => void;
  onEvent(listener: (e: EngineEvent) => void): () => void;
  onLive(listener: (client: EngineClient) => void): () => void;
  restart(): void;
}

export interface SettingsView {
  /** The settings in force (main's copy of what the engine accepted): the tray click reads app.trayClick. */
  readonly current: Settings;
  readonly warning: SettingsWarning | null;
  onWarning(listener: (w: SettingsWarning | null) => void): () => void;
  dismissWarning(): void;
  adopt(settings: Settings): void;
}

export interface ControllerDeps {
  supervisor: SupervisorView;
  settings: SettingsView;
  clock: NowClock;
  /** Draw the tray (icon, tooltip, menu) for this state. */
  render(state: AppState): void;
  notify(text: NotificationText): void;
  showPopover(): void;
  /** A tray click when app.trayClick is 'window': the popover opens, or closes if it is open. */
  togglePopover(): void;
  showSettings(): void;
  quit(): void;
  /** Where failures of background calls go (they are also shown, where a user acted). */
  log?(message: string): void;
}

/** `tray-click`: a left click on the icon (Windows, macOS; Linux indicators deliver none). */
export type ControllerAction = AppCommand | TrayAction | 'tray-click';

export class AppController {
  private current: AppState;
  private readonly notifier: LevelNotifier;
  /** Status events received so far: a `status` answer older than the latest pushed one is dropped. */
  private pushedStatuses = 0;
  /** A command that needs the engine, given while it was not live (e.g. `--toggle` at launch). */
  private queued: ControllerAction | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: ControllerDeps) {
    this.notifier = new LevelNotifier(deps.clock);
    const snap = deps.supervisor.snapshot();
    this.current = {
      ...INITIAL_APP_STATE,
      engine: engineView(snap),
      settingsWarning: deps.settings.warning,
    };
    this.unsubscribe.push(
      deps.supervisor.onState((s) => this.onSupervisor(s)),
      deps.supervisor.onLive((client) => this.onLive(client)),
      deps.supervisor.onEvent((e) => this.onEngineEvent(e)),
      deps.settings.onWarning((w) => this.update({ settingsWarning: w })),
    );
    if (deps.settings.warning)
      deps.notify({ title: 'Swictation settings were reset', body: deps.settings.warning.message });
    deps.render(this.current);
  }

  get state(): AppState {
    return this.current;
  }

  setHotkeyProblem(problem: string | null): void {
    this.update({ hotkeyProblem: problem });
  }

  dispose(): void {
    for (const u of this.unsubscribe) u();
  }

  /** A tray click or a handed-off command. Resolves when the engine call (if any) has finished. */
  async run(action: ControllerAction): Promise<void> {
    switch (action) {
      case 'tray-click':
        // Dictating is what the app is for: one click starts and stops it, unless the user chose the window.
        if (this.deps.settings.current.app.trayClick === 'window') {
          this.deps.togglePopover();
          return;
        }
        return this.run('toggle-dictation');
      case 'open':
        this.deps.showPopover();
        return;
      case 'settings':
        this.deps.showSettings();
        return;
      case 'quit':
        this.deps.quit();
        return;
      case 'restart-engine':
        this.deps.supervisor.restart();
        return;
      case 'dismiss-settings-warning':
        this.deps.settings.dismissWarning();
        return;
      case 'toggle':
      case 'toggle-dictation':
        return this.withEngine(action, (c) => this.toggleDictation(c));
      case 'restore-gpu':
        return this.withEngine(action, (c) => this.restoreGpu(c));
    }
  }

  private async withEngine(action: ControllerAction, fn: (c: EngineClient) => Promise<void>): Promise<void> {
    const client = this.deps.supervisor.client;
    if (!client) {
      const engine = this.current.engine.state;
      if (engine === 'failed' || engine === 'stopped') {
        this.deps.notify({
          title: 'The Swictation engine is not running',
          body: 'Choose Restart engine in the tray menu.',
        });
        return;
      }
      this.queued = action; // run once the engine is live
      return;
    }
    try {
      await fn(client);
    } catch (error) {
      this.deps.notify({ title: `Swictation: ${describeAction(action)} failed`, body: errorText(error) });
    }
  }

  private async toggleDictation(client: EngineClient): Promise<void> {
    switch (this.current.dictation) {
      case 'listening':
        await client.call('dictation.stop');
        this.update({ dictation: 'idle' });
        return;
      case 'transcribing':
        return; // already stopping: the last words are being recognized
      case 'idle':
        // The engine's own recorder: the tray works with every window closed.
        await client.call('dictation.start', { source: 'mic' });
        this.update({ dictation: 'listening' });
        return;
    }
  }

  private async restoreGpu(client: EngineClient): Promise<void> {
    const result = await client.call('restore');
    if (!result.ok)
      this.deps.notify({
        title: 'Restore to GPU did not happen',
        body: result.reasons.join('; ') || 'no reason given',
      });
  }

  private onSupervisor(s: SupervisorSnapshot): void {
    const before = this.current.engine.state;
    this.update({ engine: engineView(s), ...(s.state === 'live' ? {} : { dictation: 'idle' as const }) });
    if (s.state === 'failed' && before !== 'failed')
      this.deps.notify({ title: 'The Swictation engine stopped', body: s.message ?? 'it kept crashing' });
  }

  private onLive(client: EngineClient): void {
    // This engine's status and settings now; its `status` and `settings` events keep them current after.
    const pushedBefore = this.pushedStatuses;
    client.call('status').then(
      (status: EngineStatus) => {
        // A status pushed meanwhile is newer; an answer from an engine since replaced is stale.
        if (this.deps.supervisor.client === client && this.pushedStatuses === pushedBefore)
          this.update({ status });
      },
      (error: unknown) => this.deps.log?.(`status failed: ${errorText(error)}`),
    );
    // The engine's effective settings (it may have applied what we sent, or kept its own).
    client.call('settings.get').then(
      (s) => this.deps.settings.adopt(s),
      (error: unknown) => this.deps.log?.(`settings.get failed: ${errorText(error)}`),
    );
    const queued = this.queued;
    this.queued = null;
    if (queued) void this.run(queued);
  }

  private onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'status':
        this.pushedStatuses++;
        this.update({ status: e.status });
        return;
      case 'settings':
        // Saved in the Settings window (or by any client): the hotkey follows at once, the window still open.
        this.deps.settings.adopt(e.settings);
        return;
      case 'level': {
        // The tray's colour follows at once; the status pushed with the change fills in the rest.
        const status = this.current.status;
        if (status) this.update({ status: { ...status, level: e.to, usage: e.usage } });
        const text = this.notifier.decide(e.from, e.to, e.usage);
        if (text) this.deps.notify(text);
        return;
      }
      case 'dictation':
        this.update({ dictation: e.state === 'stopped' ? 'idle' : e.state });
        return;
      default:
        return;
    }
  }

  private update(patch: Partial<AppState>): void {
    this.current = { ...this.current, ...patch };
    this.deps.render(this.current);
  }
}

function engineView(s: SupervisorSnapshot): AppState['engine'] {
  return { state: s.state, message: s.message, settingsError: s.settingsError };
}

function describeAction(action: ControllerAction): string {
  if (action === 'restore-gpu') return 'Restore to GPU';
  if (action === 'toggle' || action === 'toggle-dictation' || action === 'tray-click') return 'dictation';
  return action;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
