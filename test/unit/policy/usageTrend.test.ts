import { describe, expect, it } from 'vitest';
import { INITIAL_POLICY_STATE, stepPolicy } from '../../../shared/pressurePolicy';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import {
  addPoint,
  msUntil,
  risingSteadily,
  slopePerSecond,
  type UsagePoint,
} from '../../../shared/usageTrend';

function series(points: [number, number][]): UsagePoint[] {
  return points.reduce<UsagePoint[]>((acc, [atMs, usage]) => addPoint(acc, { atMs, usage }), []);
}

describe('usage trend', () => {
  it('gives the least-squares slope per second', () => {
    const rising = series([
      [0, 0.5],
      [250, 0.525],
      [500, 0.55],
      [750, 0.575],
    ]);
    expect(slopePerSecond(rising)).toBeCloseTo(0.1, 9);
    // Noise around a line does not move the slope much.
    const noisy = series([
      [0, 0.5],
      [250, 0.53],
      [500, 0.54],
      [750, 0.58],
    ]);
    expect(slopePerSecond(noisy)).toBeCloseTo(0.1, 1);
  });

  it('says nothing with fewer than three readings or a span shorter than 300 ms', () => {
    expect(slopePerSecond(series([[0, 0.5]]))).toBeNull();
    expect(
      slopePerSecond(
        series([
          [0, 0.5],
          [100, 0.6],
          [200, 0.7],
        ]),
      ),
    ).toBeNull();
  });

  it('forgets readings older than the window', () => {
    const points = series([
      [0, 0.9],
      [1000, 0.5],
      [7000, 0.5],
      [7500, 0.5],
      [8000, 0.5],
    ]);
    expect(points.map((p) => p.atMs)).toEqual([7000, 7500, 8000]);
    expect(slopePerSecond(points)).toBe(0);
  });

  it('predicts when a threshold is reached, and not on a flat or falling trend', () => {
    const rising = series([
      [0, 0.6],
      [500, 0.65],
      [1000, 0.7],
    ]);
    expect(msUntil(rising, 0.95)).toBeCloseTo(2500, 6);
    expect(msUntil(rising, 0.7)).toBe(0);
    const falling = series([
      [0, 0.9],
      [500, 0.85],
      [1000, 0.8],
    ]);
    expect(msUntil(falling, 0.95)).toBeNull();
    expect(msUntil([], 0.95)).toBeNull();
  });
});

describe('a steady climb', () => {
  const at = (usages: number[]): UsagePoint[] => usages.map((usage, i) => ({ atMs: i * 250, usage }));

  it('is three rises in a row of at least half a percent', () => {
    expect(risingSteadily(at([0.8, 0.85, 0.9, 0.96]))).toBe(true);
    expect(risingSteadily(at([0.8, 0.8, 0.8, 0.97]))).toBe(false); // a lone spike
    expect(risingSteadily(at([0.9, 0.91, 0.909, 0.97]))).toBe(false); // noise in between
    expect(risingSteadily(at([0.9, 0.93, 0.97]))).toBe(false); // too few readings to tell
  });

  it('confirms EMERGENCY by itself in the policy; a spike still waits for its confirming reading', () => {
    const cfg = DEFAULT_SETTINGS.memory;
    const climbing = stepPolicy({ ...INITIAL_POLICY_STATE, level: 'CRITICAL' }, 0.97, 1000, cfg, true);
    expect(climbing.state.level).toBe('EMERGENCY');
    expect(climbing.decisions.some((d) => d.kind === 'resample')).toBe(false);
    const spike = stepPolicy({ ...INITIAL_POLICY_STATE, level: 'CRITICAL' }, 0.97, 1000, cfg, false);
    expect(spike.state.level).toBe('CRITICAL');
    expect(spike.decisions).toContainEqual({ kind: 'resample', afterMs: cfg.emergencyConfirmMs });
  });
});
