import { describe, expect, it } from 'vitest';
import { SampleHistory, SAMPLE_HISTORY_MS } from '../../../electron/engine/sampleHistory';
import type { EngineEvent } from '../../../shared/engineEvents';

/** A `sample` event as the memory manager emits it (only time and usage matter to the history). */
function sampleEvent(atMs: number, usage: number): EngineEvent {
  const totalMiB = 8192;
  return {
    type: 'sample',
    usage,
    sample: {
      atMs,
      gpu: { index: 0, uuid: 'GPU-0', name: 'Simulated', vendor: 'simulated' },
      totalMiB,
      usedMiB: usage * totalMiB,
      freeMiB: (1 - usage) * totalMiB,
      reservedMiB: null,
      processMiB: null,
      topProcesses: [],
    },
  };
}

describe('SampleHistory', () => {
  it('keeps only the last five minutes before the newest reading', () => {
    const h = new SampleHistory();
    // 10 Hz for 6 minutes: the first minute falls out of the window.
    for (let i = 0; i < 3600; i++) h.push(i * 100, 0.5);
    const recent = h.recent();
    expect(recent).toHaveLength(SAMPLE_HISTORY_MS / 100 + 1);
    expect(recent[0]?.atMs).toBe(3599 * 100 - SAMPLE_HISTORY_MS);
    expect(recent.at(-1)?.atMs).toBe(359_900);
  });

  it('is bounded by count: a full ring overwrites its oldest reading and does not grow', () => {
    const h = new SampleHistory(4, 60_000);
    for (let i = 1; i <= 10; i++) h.push(i * 10, 0.5);
    expect(h.size).toBe(4);
    expect(h.recent().map((p) => p.atMs)).toEqual([70, 80, 90, 100]);
  });

  it('stamps each reading with the level it was judged at (the level event follows its sample)', () => {
    const h = new SampleHistory();
    h.observe(sampleEvent(1000, 0.5)); // before the engine said its level: none
    h.startAt('NORMAL');
    h.observe(sampleEvent(2000, 0.7));
    h.observe(sampleEvent(3000, 0.85));
    h.observe({ type: 'level', from: 'NORMAL', to: 'WARNING', usage: 0.85 });
    h.observe(sampleEvent(4000, 0.86));
    h.observe({ type: 'permanent-cpu', on: false }); // other events change nothing
    expect(h.recent()).toEqual([
      { atMs: 1000, usage: 0.5 },
      { atMs: 2000, usage: 0.7, level: 'NORMAL' },
      { atMs: 3000, usage: 0.85, level: 'WARNING' },
      { atMs: 4000, usage: 0.86, level: 'WARNING' },
    ]);
  });

  it('starts over when time runs backwards, and is empty before the first reading', () => {
    const h = new SampleHistory();
    expect(h.recent()).toEqual([]);
    h.push(5000, 0.9);
    h.push(100, 0.25);
    expect(h.recent()).toEqual([{ atMs: 100, usage: 0.25 }]);
  });

  it('refuses useless bounds', () => {
    expect(() => new SampleHistory(0)).toThrow(RangeError);
    expect(() => new SampleHistory(8, 0)).toThrow(RangeError);
  });
});
