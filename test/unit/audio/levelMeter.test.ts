import { describe, expect, it } from 'vitest';
import { LevelMeter, metered } from '../../../electron/engine/audio/levelMeter';
import { inputLevel } from '../../../shared/inputLevel';

const tone = (n: number, amplitude: number) => new Float32Array(n).fill(amplitude);

describe('LevelMeter', () => {
  it('reports one reading per 100 ms of audio (1,600 samples), across chunk boundaries', () => {
    const levels: number[] = [];
    const meter = new LevelMeter((l) => levels.push(l));
    meter.add(tone(1000, 0.03));
    expect(levels).toEqual([]);
    meter.add(tone(600, 0.03)); // 1,600 samples: one reading
    expect(levels).toEqual([inputLevel(tone(1600, 0.03))]);
    meter.add(tone(1600, 0.3)); // louder: a second reading
    expect(levels).toHaveLength(2);
    expect(levels[1]).toBeCloseTo(inputLevel(tone(1600, 0.3)), 6);
  });

  it('sends nothing while the level holds (a quiet room costs no events), and drops to 0 at the end', () => {
    const levels: number[] = [];
    const meter = new LevelMeter((l) => levels.push(l));
    meter.add(tone(16_000, 0)); // a second of silence
    expect(levels).toEqual([]);
    meter.add(tone(3200, 0.1));
    expect(levels).toHaveLength(1);
    meter.reset();
    expect(levels.at(-1)).toBe(0);
    meter.reset(); // already at 0: nothing new to say
    expect(levels).toHaveLength(2);
  });

  it('meters a source as it is read, passing every chunk through unchanged', async () => {
    const levels: number[] = [];
    const chunks = [tone(1600, 0.5), tone(800, 0.2)];
    const source = {
      async *[Symbol.asyncIterator]() {
        for (const c of chunks) yield await Promise.resolve(c);
      },
    };
    const seen: Float32Array[] = [];
    for await (const c of metered(source, new LevelMeter((l) => levels.push(l)))) seen.push(c);
    expect(seen).toEqual(chunks);
    expect(levels).toEqual([inputLevel(tone(1600, 0.5))]);
  });
});
