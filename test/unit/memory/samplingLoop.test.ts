import { describe, expect, it } from 'vitest';
import type { GpuSample } from '../../../shared/gpuSample';
import { SamplingLoop } from '../../../electron/engine/memory/samplingLoop';
import { VirtualClock, type Clock, type TimerHandle } from '../../../electron/engine/runtime/clock';

/**
 * A fake clock of plain numbers. Unlike VirtualClock, a probe reading can advance it (a slow
 * read), so the cadence's anchoring to the start can be seen. No wall time anywhere.
 */
class ManualClock implements Clock {
  nowMs = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Fire due timers in time order; a timer due while the clock was ahead fires late, at the current time. */
  runTo(endMs: number): Promise<void> {
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > endMs) break;
      this.timers.shift();
      this.nowMs = Math.max(this.nowMs, next.at);
      next.fn();
    }
    this.nowMs = Math.max(this.nowMs, endMs);
    return Promise.resolve();
  }
}

function sampleAt(atMs: number): GpuSample {
  return {
    atMs,
    gpu: { index: 0, uuid: 'GPU-test', name: 'test', vendor: 'simulated' },
    totalMiB: 1000,
    freeMiB: 500,
    usedMiB: 500,
    reservedMiB: null,
    processMiB: null,
    topProcesses: [],
  };
}

interface LoopRig {
  clock: ManualClock;
  loop: SamplingLoop;
  /** Times of successful readings (as the sample's atMs). */
  samples: number[];
  /** [time, message, retryInMs] per failed reading. */
  errors: [number, string, number][];
  /** Times of every attempt. */
  attempts: number[];
  failing: { on: boolean };
  /** How long each reading takes, by attempt index. */
  readCost: (attempt: number) => number;
}

function loopRig(intervalMs: number, maxBackoffMs?: number): LoopRig {
  const clock = new ManualClock();
  const rig: LoopRig = {
    clock,
    samples: [],
    errors: [],
    attempts: [],
    failing: { on: false },
    readCost: () => 0,
    loop: null as unknown as SamplingLoop,
  };
  rig.loop = new SamplingLoop({
    clock,
    intervalMs,
    ...(maxBackoffMs === undefined ? {} : { maxBackoffMs }),
    read: (now) => {
      rig.attempts.push(now);
      clock.nowMs += rig.readCost(rig.attempts.length - 1);
      if (rig.failing.on) throw new Error('driver did not answer');
      return sampleAt(now);
    },
    onSample: (s) => rig.samples.push(s.atMs),
    onError: (message, retryInMs) => rig.errors.push([clock.now(), message, retryInMs]),
  });
  return rig;
}

describe('SamplingLoop: cadence', () => {
  it('reads at start and then every interval', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(500);
    expect(r.samples).toEqual([0, 100, 200, 300, 400, 500]);
  });

  it('is anchored to the start: a slow reading does not shift the later ones', async () => {
    const r = loopRig(100);
    // Reading #1 (at 100) takes 30 ms, reading #3 (at 300) takes 90 ms.
    r.readCost = (i) => (i === 1 ? 30 : i === 3 ? 90 : 0);
    r.loop.start();
    await r.clock.runTo(600);
    // Scheduling from the previous reading's end would give 0, 100, 230, 330, 520, 620.
    expect(r.attempts).toEqual([0, 100, 200, 300, 400, 500, 600]);
  });

  it('a reading that overruns the next tick skips the missed ticks and re-anchors', async () => {
    const r = loopRig(100);
    // Reading at 100 takes 250 ms: it ends at 350, past the ticks at 200 and 300.
    r.readCost = (i) => (i === 1 ? 250 : 0);
    r.loop.start();
    await r.clock.runTo(800);
    // No burst of catch-up readings: the next is one interval after the slow one ended, and the
    // cadence is anchored there.
    expect(r.attempts).toEqual([0, 100, 450, 550, 650, 750]);
  });

  it('sampleNow reads outside the cadence without moving it', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(150);
    expect(r.loop.sampleNow()).toBe(true);
    await r.clock.runTo(300);
    expect(r.samples).toEqual([0, 100, 150, 200, 300]);
  });

  it('stop cancels the next reading; start again re-anchors at the new start', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(250);
    r.loop.stop();
    await r.clock.runTo(1000);
    expect(r.samples).toEqual([0, 100, 200]);
    r.loop.start();
    r.loop.start(); // idempotent
    await r.clock.runTo(1200);
    expect(r.samples).toEqual([0, 100, 200, 1000, 1100, 1200]);
  });

  it('setInterval restarts at the new cadence from now', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(250);
    r.loop.setInterval(40);
    await r.clock.runTo(370);
    expect(r.samples).toEqual([0, 100, 200, 250, 290, 330, 370]);
  });
});

describe('SamplingLoop: a failing probe', () => {
  it('reports each failure with its retry delay, doubling from one interval', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(950);
    r.failing.on = true;
    await r.clock.runTo(4000);
    expect(r.errors.map(([t, , retry]) => [t, retry])).toEqual([
      [1000, 100],
      [1100, 200],
      [1300, 400],
      [1700, 800],
      [2500, 1600],
    ]);
    expect(r.errors[0]?.[1]).toBe('driver did not answer');
    // Retries happen exactly when announced.
    expect(r.attempts.filter((t) => t >= 1000)).toEqual([1000, 1100, 1300, 1700, 2500]);
  });

  it('caps the backoff at maxBackoffMs', async () => {
    const r = loopRig(100, 500);
    r.failing.on = true;
    r.loop.start();
    await r.clock.runTo(3000);
    expect(r.errors.map(([, , retry]) => retry)).toEqual([100, 200, 400, 500, 500, 500, 500, 500]);
    expect(r.attempts).toEqual([0, 100, 300, 700, 1200, 1700, 2200, 2700]);
  });

  it('caps at 30 s by default', async () => {
    const r = loopRig(2000);
    r.failing.on = true;
    r.loop.start();
    await r.clock.runTo(200_000);
    expect(r.errors.map(([, , retry]) => retry).slice(0, 6)).toEqual([
      2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('recovers at the next retry, resumes the cadence from there, and resets the backoff', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(950);
    r.failing.on = true;
    await r.clock.runTo(1200); // failed at 1000 and 1100; next retry at 1300
    r.failing.on = false;
    await r.clock.runTo(1600);
    expect(r.samples.filter((t) => t >= 1000)).toEqual([1300, 1400, 1500, 1600]);
    // A new failure starts over from one interval.
    r.failing.on = true;
    await r.clock.runTo(1850);
    expect(r.errors.map(([t, , retry]) => [t, retry])).toEqual([
      [1000, 100],
      [1100, 200],
      [1700, 100],
      [1800, 200],
    ]);
  });

  it('a successful sampleNow resets the failure count', async () => {
    const r = loopRig(100);
    r.failing.on = true;
    r.loop.start();
    await r.clock.runTo(350); // failures at 0, 100, 300 → next retry at 700
    r.failing.on = false;
    expect(r.loop.sampleNow()).toBe(true);
    r.failing.on = true;
    await r.clock.runTo(700);
    expect(r.errors.map(([t, , retry]) => [t, retry])).toEqual([
      [0, 100],
      [100, 200],
      [300, 400],
      [700, 100],
    ]);
  });

  it('never throws, whatever the probe throws', async () => {
    const clock = new VirtualClock(0);
    const messages: string[] = [];
    let n = 0;
    const loop = new SamplingLoop({
      clock,
      intervalMs: 50,
      read: () => {
        n++;
        if (n % 2 === 0) throw new Error(`error ${n}`);
        // A non-Error throw from a native binding.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw 'a string';
      },
      onSample: () => undefined,
      onError: (message) => messages.push(message),
    });
    expect(() => loop.start()).not.toThrow();
    await clock.runUntil(1000, () => Promise.resolve());
    expect(messages.slice(0, 3)).toEqual(['a string', 'error 2', 'a string']);
    expect(loop.sampleNow()).toBe(false);
    loop.stop();
  });
});

describe('SamplingLoop: changing the interval', () => {
  it('counts a new interval from the last reading: slower never bursts, faster takes effect at once', async () => {
    const r = loopRig(100);
    r.loop.start();
    await r.clock.runTo(250);
    r.loop.setInterval(1000);
    r.loop.setInterval(1000);
    await r.clock.runTo(1300);
    expect(r.samples).toEqual([0, 100, 200, 1200]);
    r.loop.setInterval(50);
    await r.clock.runTo(1400);
    expect(r.samples).toEqual([0, 100, 200, 1200, 1300, 1350, 1400]);
  });
});
