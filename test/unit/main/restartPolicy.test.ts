import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../electron/main/restartPolicy';

describe('RestartPolicy', () => {
  it('doubles the delay per crash in the window, up to the maximum', () => {
    const p = new RestartPolicy({ initialDelayMs: 1000, maxDelayMs: 5000, maxCrashes: 10, windowMs: 60_000 });
    const delays = [0, 1, 2, 3, 4].map((i) => {
      const d = p.crashed(i * 100);
      return d.action === 'restart' ? d.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('gives up at maxCrashes within the window, not across a longer time', () => {
    const p = new RestartPolicy({ maxCrashes: 3, windowMs: 10_000 });
    expect(p.crashed(0).action).toBe('restart');
    expect(p.crashed(5_000).action).toBe('restart');
    expect(p.crashed(12_000).action).toBe('restart'); // the one at 0 has left the window
    expect(p.crashed(13_000)).toEqual({
      action: 'give-up',
      reason: 'the engine crashed 3 times within 10 s',
    });
    p.reset();
    expect(p.recentCrashes(13_000)).toBe(0);
  });
});
