import { describe, expect, it } from 'vitest';
import { createPushSource, PushSourceOverflowError } from '../../../electron/engine/audio/pushSource';

const frame = (n: number, value: number): Float32Array => new Float32Array(n).fill(value);

async function collect(source: AsyncIterable<Float32Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of source) out.push(...chunk);
  return out;
}

describe('createPushSource', () => {
  it('delivers pushed frames in order to a waiting consumer, then ends', async () => {
    const push = createPushSource();
    const done = collect(push.source);
    push.push(Float32Array.of(1, 2));
    await new Promise((r) => setTimeout(r, 5));
    push.push(Float32Array.of(3));
    push.push(Float32Array.of(4, 5));
    push.end();
    expect(await done).toEqual([1, 2, 3, 4, 5]);
    expect(push.closed).toBe(true);
    expect(() => push.push(frame(1, 0))).toThrow(/closed \(ended\)/);
  });

  it('copies frames (AudioWorklet buffers are reused) and coalesces what queued up', async () => {
    const push = createPushSource();
    const reused = Float32Array.of(1, 1);
    push.push(reused);
    reused.fill(2);
    push.push(reused);
    expect(push.bufferedMs).toBeCloseTo((4 / 16_000) * 1000, 9);
    const it = push.source[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toEqual(Float32Array.of(1, 1, 2, 2));
    expect(push.bufferedMs).toBe(0);
  });

  it('never drops silently: past maxBufferedMs the push throws and the consumer gets the error after the queued audio', async () => {
    const push = createPushSource({ maxBufferedMs: 100 }); // 1600 samples
    for (let i = 0; i < 12; i++) push.push(frame(128, i)); // 1536 samples
    expect(() => push.push(frame(128, 99))).toThrow(PushSourceOverflowError);
    expect(() => push.push(frame(128, 99))).toThrow(/closed \(overflow\)/);
    const it = push.source[Symbol.asyncIterator]();
    const queued = await it.next();
    expect(queued.done).toBe(false);
    expect((queued.value as Float32Array).length).toBe(1536);
    await expect(it.next()).rejects.toThrow(
      /audio input overflow: the consumer fell more than 100 ms behind/,
    );
  });

  it('fail() ends the stream with the given error', async () => {
    const push = createPushSource();
    push.push(frame(4, 1));
    push.fail(new Error('renderer went away'));
    await expect(collect(push.source)).rejects.toThrow('renderer went away');
  });

  it('refuses pushes once the consumer stopped reading', async () => {
    const push = createPushSource();
    push.push(frame(4, 1));
    for await (const chunk of push.source) {
      expect(chunk.length).toBe(4);
      break;
    }
    expect(() => push.push(frame(4, 1))).toThrow(/consumer stopped reading/);
    expect(() => push.source[Symbol.asyncIterator]()).toThrow(/only once/);
    expect(() => createPushSource({ maxBufferedMs: 0 })).toThrow(/maxBufferedMs/);
  });
});
