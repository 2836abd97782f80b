import type { StateCreator } from 'zustand/vanilla';
import type { Settings } from '../../shared/settings';
import type { AppState } from './appStore';
import { editDraft, validateDraft, type Draft, type DraftResult, type FieldKey } from './settingsDraft';

export interface SettingsState {
  /** What the engine has (settings.get, or the answer to settings.set); null until it answered. */
  saved: Settings | null;
  draft: Draft;
  /** The merged draft, validated on every edit; null until settings arrived. */
  check: DraftResult | null;
  saving: boolean;
  /** The engine's rejection of the last Save, shown verbatim (it names the field). */
  saveError: string | null;
  savedAtMs: number | null;
}

export interface SettingsSlice {
  settings: SettingsState;
  setSavedSettings: (saved: Settings, atMs?: number | null) => void;
  editSetting: (key: FieldKey, text: string) => void;
  discardDraft: () => void;
  setSaving: (saving: boolean, saveError?: string | null) => void;
}

function checked(saved: Settings | null, draft: Draft): DraftResult | null {
  return saved ? validateDraft(saved, draft) : null;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set, get) => ({
  settings: { saved: null, draft: {}, check: null, saving: false, saveError: null, savedAtMs: null },
  setSavedSettings: (saved, atMs = null) => {
    const s = get().settings;
    // A Save answered (atMs set): the draft became the saved settings. A plain refresh keeps the user's edits.
    const draft = atMs !== null ? {} : s.draft;
    set({
      settings: { ...s, saved, draft, check: checked(saved, draft), savedAtMs: atMs ?? s.savedAtMs },
    });
  },
  editSetting: (key, text) => {
    const s = get().settings;
    if (!s.saved) return;
    const draft = editDraft(s.saved, s.draft, key, text);
    set({ settings: { ...s, draft, check: checked(s.saved, draft), saveError: null } });
  },
  discardDraft: () => {
    const s = get().settings;
    set({ settings: { ...s, draft: {}, check: checked(s.saved, {}), saveError: null } });
  },
  setSaving: (saving, saveError = null) => {
    set({ settings: { ...get().settings, saving, saveError } });
  },
});
