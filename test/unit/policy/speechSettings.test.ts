import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../../shared/settings';

describe('speech settings: post-roll', () => {
  it('defaults to 200 ms beside the 400 ms pre-roll', () => {
    const r = validateSettings({});
    expect(r.ok && r.settings.speech).toMatchObject({ preRollMs: 400, postRollMs: 200 });
  });

  it('accepts 0 up to the end-of-speech silence', () => {
    for (const postRollMs of [0, 150, 300]) {
      expect(validateSettings({ speech: { postRollMs, silenceMs: 300 } }).ok).toBe(true);
    }
  });

  it('refuses a post-roll longer than the silence, naming both', () => {
    const r = validateSettings({ speech: { postRollMs: 400, silenceMs: 300 } });
    expect(r).toEqual({
      ok: false,
      errors: ['post-roll 400 ms must be at most the end-of-speech silence 300 ms'],
    });
  });

  it('refuses a negative or fractional post-roll with the field named', () => {
    expect(validateSettings({ speech: { postRollMs: -1 } })).toMatchObject({
      ok: false,
      errors: ['post-roll must be at least 0 ms'],
    });
    expect(validateSettings({ speech: { postRollMs: 1.5 } })).toMatchObject({
      ok: false,
      errors: ['post-roll must be a whole number of milliseconds'],
    });
  });
});
