import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeWav,
  encodeWav,
  readWav,
  wavFileSource,
  writeWav,
  WavFormatError,
} from '../../../electron/engine/audio/wavFile';

const dir = mkdtempSync(join(tmpdir(), 'swictation-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Channel c of frame i: distinct tones per channel, so averaging is visible. */
function channelValue(c: number, i: number, rate: number): number {
  return 0.5 * Math.sin((2 * Math.PI * (300 + 200 * c) * i) / rate) * (c % 2 === 0 ? 1 : -0.6);
}

function expectedMono(channels: number, frames: number, rate: number): Float32Array {
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += channelValue(c, i, rate);
    out[i] = s / channels;
  }
  return out;
}

/** wavefile's integer scaling for each bit depth code (8-bit is unsigned around 128). */
function toCodes(bitDepth: string, v: number): number {
  switch (bitDepth) {
    case '8':
      return Math.round(v * 127) + 128;
    case '16':
      return Math.round(v * 32767);
    case '24':
      return Math.round(v * 8388607);
    case '32':
      return Math.round(v * 2147483647);
    default:
      return v; // float
  }
}

function makeWav(bitDepth: string, channels: number, rate: number, frames: number): Uint8Array {
  const data: number[][] = [];
  for (let c = 0; c < channels; c++) {
    data.push(Array.from({ length: frames }, (_, i) => toCodes(bitDepth, channelValue(c, i, rate))));
  }
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, rate, bitDepth, channels === 1 ? (data[0] ?? []) : data);
  return wav.toBuffer();
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) d = Math.max(d, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return d;
}

/** A RIFF/WAVE file built by hand: lets the tests write headers wavefile would not (extensible float, MP3). */
function riff(
  fmt: { format: number; channels: number; rate: number; bits: number; subformat?: number },
  data: Uint8Array,
): Uint8Array {
  const extensible = fmt.subformat !== undefined;
  const fmtSize = extensible ? 40 : 16;
  const buf = new Uint8Array(12 + 8 + fmtSize + 8 + data.length);
  const v = new DataView(buf.buffer);
  const ascii = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  const blockAlign = (fmt.channels * fmt.bits) / 8;
  v.setUint16(20, fmt.format, true);
  v.setUint16(22, fmt.channels, true);
  v.setUint32(24, fmt.rate, true);
  v.setUint32(28, fmt.rate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, fmt.bits, true);
  if (extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(38, fmt.bits, true);
    v.setUint32(40, 0, true);
    // KSDATAFORMAT_SUBTYPE_*: {0000xxxx-0000-0010-8000-00aa00389b71}
    v.setUint32(44, fmt.subformat ?? 0, true);
    v.setUint32(48, 0x00100000, true);
    v.setUint32(52, 0xaa000080, true);
    v.setUint32(56, 0x719b3800, true);
  }
  const d = 20 + fmtSize;
  ascii(d, 'data');
  v.setUint32(d + 4, data.length, true);
  buf.set(data, d + 8);
  return buf;
}

describe('decodeWav', () => {
  const rate = 16_000;
  const frames = 1600;
  // Quantisation step of each format, plus slack for 8-bit's asymmetric scaling.
  const tolerance: Record<string, number> = {
    '8': 1 / 100,
    '16': 1e-4,
    '24': 1e-6,
    '32': 1e-7,
    '32f': 1e-7,
    '64': 1e-12,
  };

  for (const bitDepth of ['8', '16', '24', '32', '32f', '64']) {
    for (const channels of [1, 2, 6]) {
      it(`decodes ${bitDepth}-bit ${channels}-channel PCM/float and averages the channels`, () => {
        const decoded = decodeWav(makeWav(bitDepth, channels, rate, frames), 'test.wav');
        expect(decoded.sourceRate).toBe(rate);
        expect(decoded.channels).toBe(channels);
        expect(decoded.durationMs).toBeCloseTo(100, 6);
        expect(decoded.audio.length).toBe(frames);
        expect(maxAbsDiff(decoded.audio, expectedMono(channels, frames, rate))).toBeLessThan(
          tolerance[bitDepth] ?? 0,
        );
      });
    }
  }

  it('resamples other rates to 16 kHz (length and content)', () => {
    for (const sourceRate of [8000, 22_050, 44_100, 48_000]) {
      const n = sourceRate / 2; // 0.5 s
      const decoded = decodeWav(makeWav('16', 2, sourceRate, n));
      expect(decoded.sourceRate).toBe(sourceRate);
      expect(decoded.durationMs).toBeCloseTo(500, 6);
      expect(Math.abs(decoded.audio.length - 8000)).toBeLessThanOrEqual(1);
      // The same two tones evaluated at 16 kHz; edges excluded (the filter sees zeros beyond the ends).
      const want = expectedMono(2, 8000, 16_000);
      expect(maxAbsDiff(decoded.audio.subarray(200, 7800), want.subarray(200, 7800))).toBeLessThan(2e-3);
    }
  });

  it('decodes WAVE_FORMAT_EXTENSIBLE float and PCM by their subformat', () => {
    const samples = Float32Array.from({ length: 320 }, (_, i) => 0.25 * Math.sin(i / 7));
    const float = decodeWav(
      riff(
        { format: 0xfffe, channels: 1, rate: 16_000, bits: 32, subformat: 3 },
        new Uint8Array(samples.buffer),
      ),
    );
    expect(maxAbsDiff(float.audio, samples)).toBe(0);
    const pcm = Int16Array.from(samples, (s) => Math.round(s * 32767));
    const int = decodeWav(
      riff({ format: 0xfffe, channels: 1, rate: 16_000, bits: 16, subformat: 1 }, new Uint8Array(pcm.buffer)),
    );
    expect(maxAbsDiff(int.audio, samples)).toBeLessThan(1e-4);
  });

  it('decodes big-endian RIFX files', () => {
    for (const bitDepth of ['16', '24', '32f']) {
      const wav = new wavefile.WaveFile();
      const codes = Array.from({ length: 800 }, (_, i) => toCodes(bitDepth, channelValue(0, i, 16_000)));
      wav.fromScratch(1, 16_000, bitDepth, codes, { container: 'RIFX' });
      const decoded = decodeWav(wav.toBuffer());
      expect(maxAbsDiff(decoded.audio, expectedMono(1, 800, 16_000))).toBeLessThan(1e-4);
    }
  });

  it('decodes A-law and µ-law through wavefile', () => {
    for (const codec of ['alaw', 'mulaw'] as const) {
      const wav = new wavefile.WaveFile(makeWav('16', 1, 8000, 4000));
      if (codec === 'alaw') wav.toALaw();
      else wav.toMuLaw();
      const decoded = decodeWav(wav.toBuffer());
      expect(decoded.sourceRate).toBe(8000);
      expect(decoded.audio.length).toBe(8000);
      const want = expectedMono(1, 8000, 16_000);
      // Companding keeps ~2 % of the amplitude.
      expect(maxAbsDiff(decoded.audio.subarray(200, 7800), want.subarray(200, 7800))).toBeLessThan(0.03);
    }
  });

  it('says what is wrong, with the file name', () => {
    const good = makeWav('16', 1, 16_000, 1600);
    expect(() => decodeWav(new TextEncoder().encode('definitely not audio, just text'), 'notes.txt')).toThrow(
      /notes\.txt: not a WAV file/,
    );
    expect(() => decodeWav(new Uint8Array(0), 'empty.wav')).toThrow(/empty\.wav: not a WAV file/);
    expect(() => decodeWav(good.slice(0, 30), 'cut.wav')).toThrow(
      /cut\.wav: truncated or malformed WAV file/,
    );
    expect(() => decodeWav(good.slice(0, 1000), 'cut.wav')).toThrow(
      /cut\.wav: truncated WAV file: the data chunk declares 3200 bytes but only 956 are present/,
    );
    expect(() =>
      decodeWav(riff({ format: 0x55, channels: 1, rate: 16_000, bits: 0 }, new Uint8Array(100)), 'song.wav'),
    ).toThrow(/song\.wav: unsupported codec MPEG Layer 3 \(MP3\) \(format tag 0x0055\)/);
    expect(() =>
      decodeWav(riff({ format: 0x11, channels: 1, rate: 8000, bits: 4 }, new Uint8Array(100)), 'x.wav'),
    ).toThrow(/IMA ADPCM/);
    expect(() =>
      decodeWav(riff({ format: 1, channels: 1, rate: 1000, bits: 16 }, new Uint8Array(100)), 'x.wav'),
    ).toThrow(/unsupported sample rate 1000 Hz/);
    expect(() => decodeWav(good, 'x.wav')).not.toThrow();
    expect(() => decodeWav(good.slice(0, 30))).toThrow(WavFormatError);
  });
});

describe('readWav / writeWav / wavFileSource', () => {
  it('round-trips 16 kHz audio through a 16-bit file', async () => {
    const audio = Float32Array.from({ length: 4000 }, (_, i) => 0.7 * Math.sin(i / 5));
    const file = join(dir, 'round.wav');
    await writeWav(file, audio);
    const back = await readWav(file);
    expect(back.sourceRate).toBe(16_000);
    expect(back.channels).toBe(1);
    expect(back.audio.length).toBe(audio.length);
    expect(maxAbsDiff(back.audio, audio)).toBeLessThanOrEqual(0.5 / 32768);
    // Clipping instead of wrapping.
    expect(decodeWav(encodeWav(Float32Array.of(1.5, -2))).audio).toEqual(Float32Array.of(32767 / 32768, -1));
  });

  it('names the file when it cannot be read or decoded', async () => {
    await expect(readWav(join(dir, 'missing.wav'))).rejects.toThrow(/missing\.wav: cannot read/);
    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, 'RIFF....WAVEjunk');
    await expect(readWav(bad)).rejects.toThrow(/bad\.wav: truncated or malformed/);
  });

  it('refuses a FIFO and /dev/zero at once, and a file over the size limit before reading it', async () => {
    const fifo = join(dir, 'pipe.wav');
    execFileSync('mkfifo', [fifo]);
    const refused = (p: string, max?: number) =>
      Promise.race([
        readWav(p, max).then(
          () => 'read',
          (e: unknown) => String(e),
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('still blocked after 2 s'), 2000)),
      ]);
    expect(await refused(fifo)).toMatch(/pipe\.wav: cannot read: .*is a FIFO, not a file/);
    expect(await refused('/dev/zero')).toMatch(/zero: cannot read: .*is a device, not a file/);
    const big = join(dir, 'big.wav');
    await writeWav(big, new Float32Array(16_000));
    expect(await refused(big, 1000)).toMatch(
      /big\.wav: cannot read: .*is too large \(32044 bytes, at most 1000/,
    );
  });

  it('yields 16 kHz chunks of chunkMs that add up to the file', async () => {
    const file = join(dir, 'source.wav');
    writeFileSync(file, makeWav('24', 2, 48_000, 48_000)); // 1 s stereo 48 kHz
    const chunks: Float32Array[] = [];
    for await (const c of wavFileSource(file, { chunkMs: 20 })) chunks.push(c);
    expect(chunks.length).toBe(50);
    expect(chunks.every((c) => c.length === 320)).toBe(true);
    const joined = new Float32Array(16_000);
    chunks.forEach((c, i) => joined.set(c, i * 320));
    expect(maxAbsDiff(joined, (await readWav(file)).audio)).toBe(0);
  });

  it('paces chunks to wall time when realtime', async () => {
    const file = join(dir, 'paced.wav');
    await writeWav(file, new Float32Array(4800)); // 300 ms
    const t0 = performance.now();
    let n = 0;
    for await (const c of wavFileSource(file, { realtime: true })) n += c.length;
    const elapsed = performance.now() - t0;
    expect(n).toBe(4800);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(3000);
    expect(() => wavFileSource(file, { chunkMs: 0 })).toThrow(/chunkMs/);
  });
});
