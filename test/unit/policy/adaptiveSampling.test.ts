import { describe, expect, it } from 'vitest';
import { nextIntervalMs } from '../../../shared/adaptiveSampling';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const base = {
  thresholds: DEFAULT_SETTINGS.memory.thresholds, // restore 0.6, warning 0.8, critical 0.9, emergency 0.95
  calmMs: 2000,
  adaptive: { enabled: true, fastestMs: 250, nearMargin: 0.03 },
};

describe('adaptive sampling interval', () => {
  it('stays at the calm interval on a plateau away from every threshold', () => {
    expect(nextIntervalMs({ ...base, usage: 0.7, slopePerSecond: 0 })).toBe(2000);
    expect(nextIntervalMs({ ...base, usage: 0.3, slopePerSecond: null })).toBe(2000);
  });

  it('samples at the fastest interval near a threshold, either side', () => {
    expect(nextIntervalMs({ ...base, usage: 0.78, slopePerSecond: 0 })).toBe(250);
    expect(nextIntervalMs({ ...base, usage: 0.92, slopePerSecond: -0.01 })).toBe(250);
    expect(nextIntervalMs({ ...base, usage: 0.62, slopePerSecond: 0 })).toBe(250);
  });

  it('samples faster the sooner a rising trend crosses the next threshold', () => {
    // 0.70 → 0.80 at 1 %/s: 10 s away, calm is soon enough.
    expect(nextIntervalMs({ ...base, usage: 0.7, slopePerSecond: 0.01 })).toBe(2000);
    // At 4 %/s: 2.5 s away, four readings before it → 625 ms, stepped down to 500 ms.
    expect(nextIntervalMs({ ...base, usage: 0.7, slopePerSecond: 0.04 })).toBe(500);
    // At 2 %/s: 5 s away → 1250 ms, stepped down to 1000 ms.
    expect(nextIntervalMs({ ...base, usage: 0.7, slopePerSecond: 0.02 })).toBe(1000);
    // At 50 %/s: as fast as allowed.
    expect(nextIntervalMs({ ...base, usage: 0.7, slopePerSecond: 0.5 })).toBe(250);
  });

  it('never samples faster than the calm interval when disabled, nor slower than it ever', () => {
    const off = { ...base, adaptive: { ...base.adaptive, enabled: false } };
    expect(nextIntervalMs({ ...off, usage: 0.79, slopePerSecond: 1 })).toBe(2000);
    const fastCalm = { ...base, calmMs: 100 };
    expect(nextIntervalMs({ ...fastCalm, usage: 0.79, slopePerSecond: 1 })).toBe(100);
  });
});
