import { describe, expect, it } from 'vitest';
import { TelemetryRing } from '../../../renderer/store/telemetryRing';

const times = (ring: TelemetryRing) => Array.from(ring.window(1e12).atSec, (s) => s * 1000);

describe('TelemetryRing', () => {
  it('returns readings oldest first, in seconds', () => {
    const ring = new TelemetryRing(8);
    ring.push(1000, 0.5);
    ring.push(2000, 0.6);
    const w = ring.window(60_000);
    expect(Array.from(w.atSec)).toEqual([1, 2]);
    expect(Array.from(w.usage)).toEqual([0.5, expect.closeTo(0.6, 6) as number]);
  });

  it('overwrites the oldest reading once full, without growing', () => {
    const ring = new TelemetryRing(4);
    for (let i = 1; i <= 10; i++) ring.push(i * 100, i / 16);
    expect(ring.size).toBe(4);
    expect(Array.from(ring.window(1e9).usage)).toEqual([7 / 16, 8 / 16, 9 / 16, 10 / 16]);
    expect(ring.lastAtMs).toBe(1000);
  });

  it('keeps only the last window of time', () => {
    const ring = new TelemetryRing(16_384);
    // 10 Hz for 6 minutes: 3600 readings, of which the last 5 minutes (3001 readings) are shown.
    for (let i = 0; i < 3600; i++) ring.push(i * 100, 0.5);
    const w = ring.window(5 * 60_000);
    expect(w.atSec.length).toBe(3001);
    expect(w.atSec[0]).toBeCloseTo((3599 * 100 - 300_000) / 1000);
    expect(w.atSec[w.atSec.length - 1]).toBeCloseTo(359.9);
  });

  it('starts over when time goes backwards (a restarted engine)', () => {
    const ring = new TelemetryRing(8);
    ring.push(5000, 0.9);
    ring.push(6000, 0.9);
    ring.push(100, 0.25);
    expect(ring.size).toBe(1);
    expect(Array.from(ring.window(1e9).usage)).toEqual([0.25]);
  });

  it('merges a backfill before the live readings: ordered, one reading per time, the live one kept', () => {
    const ring = new TelemetryRing(16);
    // Live readings that arrived while the backfill was on its way; 3000 is in both.
    ring.push(3000, 0.5);
    ring.push(4000, 0.5);
    ring.merge([
      { atMs: 1000, usage: 0.25 },
      { atMs: 2000, usage: 0.25 },
      { atMs: 3000, usage: 0.75 },
    ]);
    expect(times(ring)).toEqual([1000, 2000, 3000, 4000]);
    expect(Array.from(ring.window(1e9).usage)).toEqual([0.25, 0.25, 0.5, 0.5]);
    // A later live reading follows on.
    ring.push(5000, 0.125);
    expect(times(ring)).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it('merges an unordered backfill into an empty ring, keeping the newest when it holds more than fits', () => {
    const ring = new TelemetryRing(3);
    ring.merge([4000, 1000, 3000, 2000].map((atMs) => ({ atMs, usage: 0.5 })));
    expect(times(ring)).toEqual([2000, 3000, 4000]);
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
