import { DEFAULT_SETTINGS, validateSettings, type Settings } from '../../shared/settings';
import {
  loadSettings as loadSettingsFile,
  saveSettings as saveSettingsFile,
  type LoadedSettings,
} from '../engine/runtime/settingsFile';

/**
 * Main's view of settings.json in userData. The file format, the atomic write and the handling of a
 * corrupt file (defaults, the bad file moved aside, a problem message) are the engine's
 * settingsFile module: one implementation, so the CLI, the engine and the tray app agree.
 *
 * The engine persists every change it accepts (the settings window talks to it directly), so the
 * file is the truth after a crash: `reload()` is what the supervisor sends to a restarted engine.
 */
export interface SettingsWarning {
  message: string;
  /** Where the unusable file was kept, or null when it could not be moved. */
  keptAs: string | null;
}

export interface SettingsFileIo {
  load(file: string): Promise<LoadedSettings>;
  save(file: string, settings: Settings): Promise<void>;
}

const realIo: SettingsFileIo = { load: loadSettingsFile, save: saveSettingsFile };

export type UpdateResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

export class SettingsStore {
  private value: Settings = DEFAULT_SETTINGS;
  private warningValue: SettingsWarning | null = null;
  private readonly listeners = new Set<(s: Settings) => void>();
  private readonly warningListeners = new Set<(w: SettingsWarning | null) => void>();

  constructor(
    readonly file: string,
    private readonly io: SettingsFileIo = realIo,
  ) {}

  get current(): Settings {
    return this.value;
  }

  /** A visible warning (the tray menu and a notification show it) until the user dismisses it. */
  get warning(): SettingsWarning | null {
    return this.warningValue;
  }

  /** Read the file; a corrupt one yields defaults and a warning, and the bad file is kept aside. */
  async load(): Promise<Settings> {
    const loaded = await this.io.load(this.file);
    if (loaded.problem) this.setWarning({ ...loaded.problem });
    this.adopt(loaded.settings);
    return loaded.settings;
  }

  /**
   * Read what is on disk now (what the engine last saved). A file that became unusable keeps the
   * settings we already had — better than resetting a user's thresholds after a crash — and warns.
   */
  async reload(): Promise<Settings> {
    const loaded = await this.io.load(this.file);
    if (loaded.problem) {
      this.setWarning({ ...loaded.problem });
      return this.value;
    }
    this.adopt(loaded.settings);
    return loaded.settings;
  }

  /**
   * Validate and save (used while no engine is there to do it). Invalid input, or a file that cannot be
   * written (read-only disk, permissions), changes nothing and says why.
   */
  async update(input: unknown): Promise<UpdateResult> {
    const checked = validateSettings(input);
    if (!checked.ok) return checked;
    try {
      await this.io.save(this.file, checked.settings);
    } catch (error) {
      return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
    }
    this.adopt(checked.settings);
    return checked;
  }

  /** Settings the engine reports it has (it already saved them): cache them, tell listeners. */
  adopt(settings: Settings): void {
    const changed = JSON.stringify(settings) !== JSON.stringify(this.value);
    this.value = settings;
    if (changed) for (const l of this.listeners) l(settings);
  }

  dismissWarning(): void {
    this.setWarning(null);
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onWarning(listener: (w: SettingsWarning | null) => void): () => void {
    this.warningListeners.add(listener);
    return () => this.warningListeners.delete(listener);
  }

  private setWarning(w: SettingsWarning | null): void {
    this.warningValue = w;
    for (const l of this.warningListeners) l(w);
  }
}
