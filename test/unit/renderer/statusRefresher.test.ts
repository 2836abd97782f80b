import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusRefresher, type Timers } from '../../../renderer/engine/statusRefresher';

const fakeTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

describe('StatusRefresher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of pokes into one call', async () => {
    const fetch = vi.fn(() => Promise.resolve());
    const r = new StatusRefresher(fetch, 250, fakeTimers);
    for (let i = 0; i < 10; i++) r.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps calls at least the gap apart at 10 Hz telemetry', async () => {
    const fetch = vi.fn(() => Promise.resolve());
    const r = new StatusRefresher(fetch, 250, fakeTimers);
    for (let t = 0; t < 1000; t += 100) {
      r.poke();
      await vi.advanceTimersByTimeAsync(100);
    }
    // One second of pokes every 100 ms: about four calls, never ten.
    expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(fetch.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it('runs once more after a call when poked during it', async () => {
    let finish: () => void = () => undefined;
    const fetch = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const r = new StatusRefresher(fetch, 0, fakeTimers);
    r.poke();
    await vi.advanceTimersByTimeAsync(0);
    r.poke();
    r.poke();
    expect(fetch).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('survives a failing call and stops for good', async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('closed')));
    const r = new StatusRefresher(fetch, 0, fakeTimers);
    r.poke();
    await vi.advanceTimersByTimeAsync(0);
    r.poke();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(2);
    r.stop();
    r.poke();
    await vi.advanceTimersByTimeAsync(1000);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
