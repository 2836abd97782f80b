import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { createAppStore } from '../../../renderer/store/appStore';
import {
  editDraft,
  fieldText,
  FIELDS,
  mergeDraft,
  toPercent,
  validateDraft,
} from '../../../renderer/store/settingsDraft';
import { thresholdProblems } from '../../../renderer/store/thresholdOrder';

const saved = DEFAULT_SETTINGS;

describe('settings draft', () => {
  it('shows the saved values until a field is edited', () => {
    // Thresholds are shown and typed in percent.
    expect(fieldText(saved, {}, 'threshold-warning')).toBe('80');
    expect(fieldText(saved, { 'threshold-warning': '85' }, 'threshold-warning')).toBe('85');
    expect(fieldText(saved, {}, 'output')).toBe('type');
  });

  it('merges number fields as numbers and leaves the rest alone', () => {
    const merged = mergeDraft(saved, {
      'threshold-warning': '85',
      interval: '500',
      hotkey: 'Ctrl+Alt+D',
    }) as typeof saved;
    expect(merged.memory.thresholds.warning).toBe(0.85);
    expect(merged.memory.intervalMs).toBe(500);
    expect(merged.speech.hotkey).toBe('Ctrl+Alt+D');
    expect(merged.memory.thresholds.critical).toBe(0.9);
    // The saved settings are not touched.
    expect(saved.memory.thresholds.warning).toBe(0.8);
  });

  it('accepts a valid draft', () => {
    const r = validateDraft(saved, { 'threshold-warning': '85' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.settings.memory.thresholds.warning).toBe(0.85);
  });

  it('names the field when the thresholds are out of order', () => {
    const r = validateDraft(saved, { 'threshold-warning': '95' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual({
      message: 'warning threshold 0.95 must be below critical 0.90',
      field: 'threshold-warning',
    });
  });

  it('says an empty or non-numeric field must be a number', () => {
    for (const text of ['', 'abc', '0.8.1']) {
      const r = validateDraft(saved, { 'threshold-critical': text });
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.errors[0]).toEqual({
          message: 'critical threshold must be a number',
          field: 'threshold-critical',
        });
    }
  });

  it('checks the other fields with the engine schema too', () => {
    const r = validateDraft(saved, { interval: '5', 'gpu-error-limit': '2.5' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['interval', 'gpu-error-limit']);
    expect(r.errors[0]?.message).toBe('sampling interval must be at least 20 ms');
  });

  it('keeps toggles as booleans, percent fields as fractions, and refuses a bare-key hotkey at its field', () => {
    expect(fieldText(saved, {}, 'launch-at-login')).toBe('false');
    expect(fieldText(saved, {}, 'hysteresis')).toBe('2');
    const merged = mergeDraft(saved, {
      'launch-at-login': 'true',
      'tray-click': 'window',
      hysteresis: '3',
      'idle-unload': 'true',
      prewarm: 'false',
    }) as typeof saved;
    expect(merged.app).toEqual({ trayClick: 'window', launchAtLogin: true });
    expect(merged.memory.hysteresis).toBe(0.03);
    expect(merged.memory.idleUnload).toBe(true);
    expect(merged.memory.predictivePrewarm).toBe(false);
    expect(validateDraft(saved, { hotkey: 'D' })).toEqual({
      ok: false,
      errors: [
        {
          message: 'D alone would be taken from every application: add Ctrl, Alt, Shift or Super.',
          field: 'hotkey',
        },
      ],
    });
    expect(validateDraft(saved, { hotkey: 'Alt+F2' }).ok).toBe(true);
  });

  it('drops a field edited back to its saved value', () => {
    const d = editDraft(saved, { 'threshold-warning': '85' }, 'threshold-warning', '80');
    expect(d).toEqual({});
  });

  it('has a field for every threshold, in percent with step 0.5', () => {
    for (const name of ['restore', 'warning', 'critical', 'emergency']) {
      const spec = FIELDS.find((f) => f.key === `threshold-${name}`);
      expect(spec?.percent).toBe(true);
      expect(spec?.step).toBe(0.5);
      expect(spec?.kind).toBe('number');
    }
  });
});

describe('settings slice', () => {
  it('validates live and keeps the draft across a plain refresh', () => {
    const store = createAppStore();
    store.getState().setSavedSettings(saved);
    store.getState().editSetting('threshold-warning', '95');
    let s = store.getState().settings;
    expect(s.check?.ok).toBe(false);
    store.getState().setSavedSettings(saved);
    s = store.getState().settings;
    expect(s.draft).toEqual({ 'threshold-warning': '95' });
    expect(s.check?.ok).toBe(false);
  });

  it('clears the draft once a save was answered', () => {
    const store = createAppStore();
    store.getState().setSavedSettings(saved);
    store.getState().editSetting('threshold-warning', '70');
    const next = validateDraft(saved, store.getState().settings.draft);
    if (!next.ok) throw new Error('expected a valid draft');
    store.getState().setSavedSettings(next.settings, 123);
    const s = store.getState().settings;
    expect(s.draft).toEqual({});
    expect(s.saved?.memory.thresholds.warning).toBe(0.7);
    expect(s.savedAtMs).toBe(123);
  });

  it('ignores edits before the settings arrived', () => {
    const store = createAppStore();
    store.getState().editSetting('interval', '100');
    expect(store.getState().settings.draft).toEqual({});
  });
});

describe('threshold order as the user types (percent)', () => {
  const typed = { restore: '60', warning: '80', critical: '90', emergency: '95' };

  it('says it at the field that was moved', () => {
    expect(thresholdProblems({ ...typed, warning: '95' }, new Set(['warning']))).toEqual({
      warning: 'Warning must be below critical (90%)',
    });
    expect(thresholdProblems({ ...typed, critical: '70' }, new Set(['critical']))).toEqual({
      critical: 'Critical must be above warning (80%)',
    });
    expect(thresholdProblems(typed, new Set())).toEqual({});
  });

  it('refuses empty, non-numeric and out-of-range values', () => {
    expect(thresholdProblems({ ...typed, restore: '' }, new Set(['restore']))).toEqual({
      restore: 'Restore must be a number of percent',
    });
    expect(thresholdProblems({ ...typed, emergency: '100' }, new Set(['emergency']))).toEqual({
      emergency: 'Emergency must be above 0% and below 100%',
    });
  });

  it('converts percent without binary noise', () => {
    expect(toPercent(0.07)).toBe(7);
    expect(toPercent(0.955)).toBe(95.5);
    const merged = mergeDraft(saved, { 'threshold-restore': '7' }) as typeof saved;
    expect(merged.memory.thresholds.restore).toBe(0.07);
  });
});
