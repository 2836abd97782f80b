import { useCallback, useEffect, useId } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { HotkeyField } from '../components/HotkeyField';
import { ModelPicker } from '../components/ModelPicker';
import { ThresholdEditor } from '../components/ThresholdEditor';
import { saveDraft } from '../engine/saveSettings';
import { useServices } from '../services';
import { FIELDS, fieldText, type DraftError, type FieldKey, type FieldSpec } from '../store/settingsDraft';
import { sectionFor } from '../route';
import { useApp, useAppStore } from '../store/useApp';
import { SettingsField } from './SettingsField';

const SECTIONS = {
  general: 'General',
  speech: 'Speech model',
  memory: 'Memory protection',
  advanced: 'Advanced',
} as const;
type SectionId = keyof typeof SECTIONS;

const ADVANCED: readonly FieldKey[] = [
  'interval',
  'adaptive',
  'adaptive-fastest',
  'adaptive-margin',
  'hysteresis',
  'dwell',
  'cooldown',
  'headroom',
  'gpu-error-limit',
  'gpu-error-window',
  'prewarm',
  'gpu',
];

const specOf = (key: FieldKey): FieldSpec => {
  const spec = FIELDS.find((f) => f.key === key);
  if (!spec) throw new Error(`no settings field ${key}`);
  return spec;
};

/**
 * The settings window in four sections (General, Speech model, Memory protection, Advanced). Every edit is
 * validated at once with the engine's own schema and a wrong value is said at its field; Save sends only a
 * valid draft (saveDraft, the one save path).
 */
export function Settings() {
  const { api } = useServices();
  const store = useAppStore();
  const saved = useApp((s) => s.settings.saved);
  const draft = useApp((s) => s.settings.draft);
  const check = useApp((s) => s.settings.check);
  const saving = useApp((s) => s.settings.saving);
  const saveError = useApp((s) => s.settings.saveError);
  const savedAtMs = useApp((s) => s.settings.savedAtMs);
  const live = useApp((s) => s.connection.state === 'live');
  const gpuChoices = useApp((s) => s.status?.gpus.map((g) => `${g.index} ${g.uuid}`).join(' ') ?? '');
  const id = useId();
  const onEdit = useCallback(
    (key: FieldKey, text: string) => store.getState().editSetting(key, text),
    [store],
  );

  const errors: readonly DraftError[] = check && !check.ok ? check.errors : [];
  const errorAt = (key: FieldKey) => errors.find((e) => e.field === key)?.message ?? null;
  // Threshold problems are said at their fields, in percent (ThresholdEditor); field errors at their fields.
  const unplaced = errors.filter((e) => e.field === null);
  const dirty = Object.keys(draft).length > 0;
  const canSave = live && dirty && check?.ok === true && !saving;
  const field = (key: FieldKey, suggestions?: readonly string[]) => (
    <SettingsField
      key={key}
      spec={specOf(key)}
      value={saved ? fieldText(saved, draft, key) : ''}
      error={errorAt(key)}
      suggestions={suggestions}
      onEdit={onEdit}
    />
  );
  const ready = saved !== null;
  // A link into one section (`#settings/speech`, from the first-run panel) lands on it once the form is there.
  useEffect(() => {
    const section = sectionFor(location.hash);
    if (ready && section !== null && section in SECTIONS) showSection(id, section as SectionId);
  }, [ready, id]);
  const heading = (section: SectionId) => (
    <h2 id={`${id}-${section}`} tabIndex={-1}>
      {SECTIONS[section]}
    </h2>
  );

  return (
    <main className="view settings">
      <header className="view-header">
        <h1>Settings</h1>
        <ConnectionBanner />
      </header>
      <nav className="settings-sections" aria-label="Sections">
        {(Object.keys(SECTIONS) as SectionId[]).map((section) => (
          <button
            key={section}
            type="button"
            className="link-button"
            data-testid={`settings-goto-${section}`}
            onClick={() => showSection(id, section)}
          >
            {SECTIONS[section]}
          </button>
        ))}
      </nav>
      {saved === null ? (
        <p className="empty">Waiting for the engine’s settings…</p>
      ) : (
        <form
          className="settings-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (canSave) void saveDraft(api, store);
          }}
        >
          <section aria-labelledby={`${id}-general`} data-testid="settings-section-general">
            {heading('general')}
            <HotkeyField
              spec={specOf('hotkey')}
              value={fieldText(saved, draft, 'hotkey')}
              error={errorAt('hotkey')}
              onEdit={onEdit}
            />
            {field('output')}
            {field('tray-click')}
            {field('launch-at-login')}
          </section>
          <section aria-labelledby={`${id}-speech`} data-testid="settings-section-speech">
            {heading('speech')}
            {field('device')}
            <ModelPicker
              name="settings-model"
              selected={fieldText(saved, draft, 'model')}
              onChoose={(model) => onEdit('model', model)}
            />
          </section>
          <section aria-labelledby={`${id}-memory`} data-testid="settings-section-memory">
            {heading('memory')}
            <ThresholdEditor saved={saved} draft={draft} onEdit={onEdit} />
            {field('idle-release')}
            {field('idle-unload')}
          </section>
          <section aria-labelledby={`${id}-advanced`} data-testid="settings-section-advanced">
            {heading('advanced')}
            {ADVANCED.map((key) => field(key, key === 'gpu' ? gpuSuggestions(gpuChoices) : undefined))}
          </section>
          {(unplaced.length > 0 || saveError) && (
            <div data-testid="settings-error" className="settings-error" role="alert">
              {unplaced.map((e) => (
                <p key={e.message}>{e.message}</p>
              ))}
              {saveError && <p>The engine did not accept these settings: {saveError}</p>}
            </div>
          )}
          <div className="form-actions">
            <button
              type="submit"
              data-testid="settings-save"
              className="primary"
              disabled={!canSave}
              aria-busy={saving}
            >
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" disabled={!dirty || saving} onClick={() => store.getState().discardDraft()}>
              Discard changes
            </button>
            {errors.length > 0 && (
              <span className="hint" data-testid="settings-blocked">
                Fix the marked field to save.
              </span>
            )}
            {!dirty && savedAtMs !== null && (
              <span role="status" className="saved-note">
                Saved.
              </span>
            )}
          </div>
        </form>
      )}
      <nav className="view-nav" aria-label="Windows">
        <a href="#">Back</a>
        <a href="#history">History</a>
      </nav>
    </main>
  );
}

/**
 * `auto`, then every watched GPU's index and UUID. The selector yields a string, not a fresh array, so a new
 * status (ten a second) re-renders Settings only when the GPUs change.
 */
function gpuSuggestions(indices: string): string[] {
  return ['auto', ...indices.split(' ').filter((i) => i !== '')];
}

/** Scroll a section's heading into view and move the focus there (keyboard and screen-reader users follow). */
function showSection(formId: string, section: SectionId): void {
  const target = document.getElementById(`${formId}-${section}`);
  target?.scrollIntoView({ block: 'start' });
  target?.focus();
}
