import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/runtime/clock';

const settle = (): Promise<void> => Promise.resolve();

describe('VirtualClock', () => {
  it('fires timers in time order, equal times in the order they were set, cancelled ones never', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('c@30'), 30);
    clock.setTimeout(() => fired.push('a@10'), 10);
    const cancelled = clock.setTimeout(() => fired.push('x@20'), 20);
    clock.setTimeout(() => fired.push('b1@20'), 20);
    clock.setTimeout(() => {
      fired.push('b2@20');
      clock.setTimeout(() => fired.push('d@20+5'), 5);
    }, 20);
    cancelled.cancel();
    await clock.runUntil(100, settle);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'd@20+5', 'c@30']);
    expect(clock.now()).toBe(100);
    expect(clock.nextAt()).toBeNull();
  });

  it('stops at endMs and keeps later timers for the next run', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    for (const at of [5, 15, 25]) clock.setTimeout(() => fired.push(at), at);
    await clock.runUntil(20, settle);
    expect(fired).toEqual([5, 15]);
    expect(clock.nextAt()).toBe(25);
  });

  it('a day of steps every 2 s (43,200 timers set up front) runs in well under a second', async () => {
    // Scanning every pending timer per fired timer made this quadratic: minutes for a day of steps.
    const clock = new VirtualClock(0);
    let last = -1;
    let inOrder = true;
    for (let i = 0; i < 43_200; i++) {
      const at = (43_199 - i) * 2000; // set in reverse so order comes from the clock, not from insertion
      clock.setTimeout(() => {
        inOrder &&= at > last;
        last = at;
      }, at);
    }
    const start = performance.now();
    await clock.runUntil(86_400_000, settle);
    expect(inOrder).toBe(true);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('many cancelled timers do not pile up', async () => {
    const clock = new VirtualClock(0);
    let fired = 0;
    for (let i = 0; i < 10_000; i++) clock.setTimeout(() => fired++, 60_000).cancel();
    clock.setTimeout(() => fired++, 1);
    await clock.runUntil(120_000, settle);
    expect(fired).toBe(1);
  });
});
