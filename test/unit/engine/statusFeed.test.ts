import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../electron/engine/runtime/clock';
import { StatusFeed } from '../../../electron/engine/statusFeed';
import type { EngineEvent, EngineStatus } from '../../../shared/engineEvents';
import { STATUS } from '../main/fakes';

function feedRig(opts: { minGapMs?: number; recheckMs?: number } = {}) {
  const clock = new VirtualClock(0);
  let status: EngineStatus | null = STATUS;
  const sent: { tMs: number; status: EngineStatus }[] = [];
  const feed = new StatusFeed({
    clock,
    read: () => status,
    emit: (e: EngineEvent) => {
      if (e.type === 'status') sent.push({ tMs: clock.now(), status: e.status });
    },
    ...opts,
  });
  const run = (toMs: number) => clock.runUntil(toMs, () => Promise.resolve());
  const set = (patch: Partial<EngineStatus> | null) => {
    status = patch === null ? null : { ...STATUS, ...patch };
  };
  return { clock, feed, sent, run, set };
}

describe('StatusFeed', () => {
  it('sends the status on the turn after a poke, and not again while it has not changed', async () => {
    const r = feedRig();
    r.feed.poke();
    expect(r.sent).toHaveLength(0); // read after the change that poked it has finished
    await r.run(0);
    expect(r.sent).toEqual([{ tMs: 0, status: STATUS }]);
    r.feed.poke();
    await r.run(2000);
    expect(r.sent).toHaveLength(1);
  });

  it('throttles to one per gap and sends the latest at the gap’s end: no change is lost', async () => {
    const r = feedRig({ minGapMs: 250 });
    r.feed.poke();
    await r.run(0);
    // Samples every 50 ms: usage climbs to EMERGENCY inside one gap.
    for (const [t, usage, level] of [
      [50, 0.91, 'CRITICAL'],
      [100, 0.93, 'CRITICAL'],
      [150, 0.96, 'EMERGENCY'],
    ] as const) {
      r.clock.setTimeout(() => {
        r.set({ usage, level });
        r.feed.poke();
      }, t);
    }
    await r.run(249);
    expect(r.sent).toHaveLength(1);
    await r.run(250);
    expect(r.sent.map((s) => [s.tMs, s.status.level, s.status.usage])).toEqual([
      [0, 'NORMAL', 0.5],
      [250, 'EMERGENCY', 0.96],
    ]);
  });

  it('after a quiet gap a change goes out at once', async () => {
    const r = feedRig({ minGapMs: 250 });
    r.feed.poke();
    await r.run(1000);
    r.set({ restoreBlocker: null });
    r.feed.poke();
    await r.run(1000);
    expect(r.sent.map((s) => [s.tMs, s.status.restoreBlocker])).toEqual([
      [0, STATUS.restoreBlocker],
      [1000, null],
    ]);
  });

  it('looks again on its own, so a change with no event (a strike leaving the window) still goes out', async () => {
    const r = feedRig({ recheckMs: 1000 });
    r.feed.poke();
    await r.run(0);
    r.set({ gpuErrors: { ...STATUS.gpuErrors, inWindow: 0, count: 1 } });
    await r.run(1000);
    expect(r.sent.map((s) => [s.tMs, s.status.gpuErrors.count])).toEqual([
      [0, 0],
      [1000, 1],
    ]);
  });

  it('publishes nothing before the engine exists, and nothing after stop', async () => {
    const r = feedRig({ recheckMs: 1000 });
    r.set(null);
    r.feed.poke();
    await r.run(0);
    expect(r.sent).toHaveLength(0);
    r.set({});
    await r.run(1000); // the recheck finds it
    expect(r.sent).toHaveLength(1);
    r.feed.stop();
    r.set({ level: 'WARNING' });
    r.feed.poke();
    await r.run(5000);
    expect(r.sent).toHaveLength(1);
    expect(r.clock.nextAt()).toBeNull();
  });
});
