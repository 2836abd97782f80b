import type { Settings } from '../../shared/settings';
import type { AppStore } from '../store/appStore';
import type { EngineApi } from './engineApi';
import { errorMessage } from './withTimeout';

/**
 * Save the settings window's draft. Nothing is sent while the draft is invalid; the engine validates
 * again and its rejection (which names the field) is shown as it came.
 */
export async function saveDraft(api: EngineApi, store: AppStore): Promise<void> {
  const { settings, setSaving } = store.getState();
  if (settings.saving || !settings.check?.ok) return;
  setSaving(true);
  try {
    const saved = await api.call('settings.set', { settings: settings.check.settings });
    store.getState().setSaving(false);
    // The level the new thresholds imply comes as the engine's pushed status.
    store.getState().setSavedSettings(saved, Date.now());
  } catch (error) {
    store.getState().setSaving(false, errorMessage(error));
  }
}

/** Save one change made outside the settings form (FirstRun's model choice); the form's draft is kept. */
export async function saveChange(
  api: EngineApi,
  store: AppStore,
  change: (saved: Settings) => Settings,
): Promise<void> {
  const saved = store.getState().settings.saved;
  if (!saved) throw new Error('the settings have not arrived from the engine yet');
  store.getState().setSavedSettings(await api.call('settings.set', { settings: change(saved) }));
}
