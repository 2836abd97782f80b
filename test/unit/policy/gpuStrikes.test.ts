import { describe, expect, it } from 'vitest';
import { addStrike, strikesInWindow } from '../../../shared/gpuStrikes';
import { validateMemorySettings } from '../../../shared/settings';

const HOUR = 3_600_000;
const config = { gpuErrorLimit: 3, gpuErrorWindowMs: 600_000 };

/** Strike after strike at the given times; whether the limit was reached at each. */
function strikes(times: number[]) {
  let kept: number[] = [];
  return times.map((t) => {
    const step = addStrike(kept, t, config);
    kept = step.times;
    return { inWindow: step.times.length, limitReached: step.limitReached };
  });
}

describe('GPU error strikes decay (issue 10, item 4)', () => {
  it('three out-of-memory errors hours apart never reach the limit', () => {
    expect(strikes([0, 2 * HOUR, 4 * HOUR])).toEqual([
      { inWindow: 1, limitReached: false },
      { inWindow: 1, limitReached: false },
      { inWindow: 1, limitReached: false },
    ]);
  });

  it('three within the window still do', () => {
    expect(strikes([0, 60_000, 599_999]).at(-1)).toEqual({ inWindow: 3, limitReached: true });
  });

  it('a strike leaves the window exactly windowMs after it', () => {
    expect(strikesInWindow([0, 100], 599_999, 600_000)).toEqual([0, 100]);
    expect(strikesInWindow([0, 100], 600_000, 600_000)).toEqual([100]);
    expect(strikes([0, 60_000, 600_000]).at(-1)).toEqual({ inWindow: 2, limitReached: false });
  });

  it('the window is a setting: 10 minutes by default, validated with a message naming it', () => {
    const defaults = validateMemorySettings({});
    expect(defaults.ok && defaults.settings.gpuErrorWindowMs).toBe(600_000);
    expect(validateMemorySettings({ gpuErrorWindowMs: 10 })).toEqual({
      ok: false,
      errors: ['GPU error window must be at least 1000 ms'],
    });
    expect(validateMemorySettings({ gpuErrorWindowMs: 'soon' })).toEqual({
      ok: false,
      errors: ['GPU error window must be a number of milliseconds'],
    });
  });
});

describe('EMERGENCY confirmation delay setting (issue 10, item 8)', () => {
  it('defaults to 100 ms and is validated with a message naming it', () => {
    const defaults = validateMemorySettings({});
    expect(defaults.ok && defaults.settings.emergencyConfirmMs).toBe(100);
    expect(validateMemorySettings({ emergencyConfirmMs: 0 })).toEqual({
      ok: false,
      errors: ['EMERGENCY confirmation delay must be at least 20 ms'],
    });
    expect(validateMemorySettings({ emergencyConfirmMs: 6000 })).toEqual({
      ok: false,
      errors: ['EMERGENCY confirmation delay must be at most 5000 ms'],
    });
  });
});
