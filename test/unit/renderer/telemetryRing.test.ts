import { describe, expect, it } from 'vitest';
import { TelemetryRing } from '../../../renderer/store/telemetryRing';

describe('TelemetryRing', () => {
  it('returns readings oldest first, in seconds', () => {
    const ring = new TelemetryRing(8);
    ring.push(1000, 0.5, 4000);
    ring.push(2000, 0.6, 4800);
    const w = ring.window(60_000);
    expect(Array.from(w.atSec)).toEqual([1, 2]);
    expect(Array.from(w.usage)).toEqual([0.5, expect.closeTo(0.6, 6) as number]);
    expect(Array.from(w.usedMiB)).toEqual([4000, 4800]);
  });

  it('overwrites the oldest reading once full, without growing', () => {
    const ring = new TelemetryRing(4);
    for (let i = 1; i <= 10; i++) ring.push(i * 100, i / 10, i);
    expect(ring.size).toBe(4);
    expect(Array.from(ring.window(1e9).usedMiB)).toEqual([7, 8, 9, 10]);
    expect(ring.lastAtMs).toBe(1000);
  });

  it('keeps only the last window of time', () => {
    const ring = new TelemetryRing(16_384);
    // 10 Hz for 6 minutes: 3600 readings, of which the last 5 minutes (3001 readings) are shown.
    for (let i = 0; i < 3600; i++) ring.push(i * 100, 0.5, 1);
    const w = ring.window(5 * 60_000);
    expect(w.atSec.length).toBe(3001);
    expect(w.atSec[0]).toBeCloseTo((3599 * 100 - 300_000) / 1000);
    expect(w.atSec[w.atSec.length - 1]).toBeCloseTo(359.9);
  });

  it('starts over when time goes backwards (a restarted engine)', () => {
    const ring = new TelemetryRing(8);
    ring.push(5000, 0.9, 1);
    ring.push(6000, 0.9, 1);
    ring.push(100, 0.2, 2);
    expect(ring.size).toBe(1);
    expect(Array.from(ring.window(1e9).usedMiB)).toEqual([2]);
  });

  it('is empty before the first reading', () => {
    const ring = new TelemetryRing();
    expect(ring.lastAtMs).toBeNull();
    expect(ring.window(1000).atSec.length).toBe(0);
  });

  it('rejects a useless capacity', () => {
    expect(() => new TelemetryRing(0)).toThrow(RangeError);
  });
});
