import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../../shared/settings';

/** Settings arrive from any window and from a file anyone may have edited: every value has a sane bound. */
describe('settings bounds', () => {
  it('refuses strings past their length limit (a 200 MB GPU name was accepted) and names the field', () => {
    const cases: [object, RegExp][] = [
      [
        { memory: { gpu: 'x'.repeat(129) } },
        /GPU must be "auto", an index or a UUID \(at most 128 characters\)/,
      ],
      [{ speech: { model: 'm'.repeat(4097) } }, /model must be .*at most 4096 characters/],
      [{ speech: { hotkey: 'Ctrl+'.repeat(30) } }, /hotkey must be at most 100 characters/],
    ];
    for (const [input, why] of cases) {
      const result = validateSettings(input);
      expect(result.ok ? [] : result.errors).toEqual([expect.stringMatching(why)]);
    }
    expect(validateSettings({ memory: { gpu: 'GPU-8f3a2c1e-0000-4000-8000-000000000000' } }).ok).toBe(true);
  });

  it('refuses numbers that are finite but absurd, and non-finite ones', () => {
    for (const headroomMiB of [1e308, Infinity, NaN, 2_000_000]) {
      const result = validateSettings({ memory: { headroomMiB } });
      expect(result.ok).toBe(false);
    }
    const huge = validateSettings({ memory: { headroomMiB: 1e308 } });
    expect(huge.ok ? [] : huge.errors).toEqual(['GPU headroom must be at most 1048576 MiB (1 TiB)']);
    expect(validateSettings({ memory: { headroomMiB: 4096 } }).ok).toBe(true);
  });
});
