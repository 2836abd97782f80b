import { useCallback, useId } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { ModelPicker } from '../components/ModelPicker';
import { ThresholdEditor } from '../components/ThresholdEditor';
import { saveDraft } from '../engine/saveSettings';
import { useServices } from '../services';
import { FIELDS, fieldText, type FieldKey, type FieldSpec } from '../store/settingsDraft';
import { useApp, useAppStore } from '../store/useApp';
import { SettingsField } from './SettingsField';

const GROUPS: readonly { title: string; keys: readonly FieldKey[] }[] = [
  { title: 'Monitoring', keys: ['interval', 'dwell', 'gpu-error-limit'] },
  { title: 'Device', keys: ['gpu', 'device'] },
  { title: 'Speech', keys: ['output', 'hotkey'] },
];

const specOf = (key: FieldKey): FieldSpec => {
  const spec = FIELDS.find((f) => f.key === key);
  if (!spec) throw new Error(`no settings field ${key}`);
  return spec;
};

/** The settings window: every edit is validated at once with the engine's own schema; Save sends only a valid draft. */
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
  const gpu = useApp((s) => s.status?.gpu ?? null);
  const errorId = useId();
  const onEdit = useCallback(
    (key: FieldKey, text: string) => store.getState().editSetting(key, text),
    [store],
  );

  const errors = check && !check.ok ? check.errors : [];
  // Threshold problems are said at their fields, in percent (ThresholdEditor); the rest are listed here.
  const listed = errors.filter((e) => !e.field?.startsWith('threshold-'));
  const dirty = Object.keys(draft).length > 0;
  const canSave = live && dirty && check?.ok === true && !saving;
  const gpuSuggestions = gpu ? [String(gpu.index), gpu.uuid] : [];

  return (
    <main className="view settings">
      <header className="view-header">
        <h1>Settings</h1>
        <ConnectionBanner />
      </header>
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
          <ThresholdEditor saved={saved} draft={draft} onEdit={onEdit} />
          {GROUPS.map((g) => (
            <fieldset key={g.title}>
              <legend>{g.title}</legend>
              {g.keys.map((key) => (
                <SettingsField
                  key={key}
                  spec={specOf(key)}
                  value={fieldText(saved, draft, key)}
                  invalid={errors.some((e) => e.field === key)}
                  errorId={errorId}
                  suggestions={key === 'gpu' ? gpuSuggestions : undefined}
                  onEdit={onEdit}
                />
              ))}
            </fieldset>
          ))}
          <fieldset>
            <legend>Speech model</legend>
            <ModelPicker
              name="settings-model"
              selected={fieldText(saved, draft, 'model')}
              onChoose={(id) => onEdit('model', id)}
            />
          </fieldset>
          {(listed.length > 0 || saveError) && (
            <div id={errorId} data-testid="settings-error" className="settings-error" role="alert">
              {listed.map((e) => (
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
