import { describe, expect, it } from 'vitest';
import { LevelNotifier, RateLimiter, levelNotification } from '../../../electron/main/notifications';

function clockAt(start = 0) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('RateLimiter', () => {
  it('allows at most max per window and never two within the minimum gap', () => {
    const clock = clockAt();
    const limiter = new RateLimiter(clock, { max: 3, windowMs: 60_000, minGapMs: 5_000 });
    const at = (t: number) => {
      clock.t = t;
      return limiter.tryTake();
    };
    expect(at(0)).toBe(true);
    expect(at(4_999)).toBe(false); // gap
    expect(at(5_000)).toBe(true);
    expect(at(10_000)).toBe(true);
    expect(at(30_000)).toBe(false); // 3 in the last minute
    expect(at(59_999)).toBe(false);
    expect(at(60_000)).toBe(true); // the one at 0 left the window
  });
});

describe('levelNotification', () => {
  it('speaks up on CRITICAL and EMERGENCY and on the all-clear after them', () => {
    expect(levelNotification('WARNING', 'EMERGENCY', 0.96)?.title).toBe(
      'GPU memory critical: speech models moving to the CPU',
    );
    expect(levelNotification('WARNING', 'CRITICAL', 0.91)?.body).toMatch(/91\.0% used/);
    expect(levelNotification('EMERGENCY', 'NORMAL', 0.5)).toEqual({
      title: 'GPU memory recovered',
      body: 'GPU memory is back to 50.0% used.',
    });
  });

  it('stays quiet for WARNING and for steps down that are not the all-clear', () => {
    expect(levelNotification('NORMAL', 'WARNING', 0.82)).toBeNull();
    expect(levelNotification('EMERGENCY', 'CRITICAL', 0.92)).toBeNull();
    expect(levelNotification('WARNING', 'NORMAL', 0.7)).toBeNull();
  });
});

describe('LevelNotifier', () => {
  it('a level flapping at a threshold gives a few notifications, not a stream', () => {
    const clock = clockAt();
    const notifier = new LevelNotifier(clock);
    const shown: string[] = [];
    for (let i = 0; i < 20; i++) {
      clock.t = i * 1000;
      const up = notifier.decide('WARNING', 'CRITICAL', 0.91);
      const down = notifier.decide('CRITICAL', 'NORMAL', 0.5);
      if (up) shown.push(up.title);
      if (down) shown.push(down.title);
    }
    expect(shown.length).toBe(3);
  });
});
