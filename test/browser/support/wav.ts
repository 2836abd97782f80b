import { readFile, writeFile } from 'node:fs/promises';

export interface Pcm16 {
  sampleRate: number;
  channels: number;
  samples: Int16Array;
}

/** A PCM 16-bit WAV (the fixtures' format); anything else is an error, not a guess. */
export async function readWav16(file: string): Promise<Pcm16> {
  const buf = await readFile(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a RIFF/WAVE file`);
  }
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | null = null;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = {
        format: buf.readUInt16LE(body),
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        bits: buf.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16)
        throw new Error(`${file}: only PCM 16-bit WAV is supported`);
      const bytes = buf.subarray(body, Math.min(body + size, buf.length));
      const samples = new Int16Array(bytes.length >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    offset = body + size + (size & 1); // chunks are padded to an even length
  }
  throw new Error(`${file} has no data chunk`);
}

export async function writeWav16(file: string, wav: Pcm16): Promise<void> {
  const data = Buffer.alloc(wav.samples.length * 2);
  for (let i = 0; i < wav.samples.length; i++) data.writeInt16LE(wav.samples[i] ?? 0, i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(wav.channels, 22);
  header.writeUInt32LE(wav.sampleRate, 24);
  header.writeUInt32LE(wav.sampleRate * wav.channels * 2, 28);
  header.writeUInt16LE(wav.channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  await writeFile(file, Buffer.concat([header, data]));
}

/** Silence at both ends: the fake microphone starts at once, and the segmenter needs a quiet end. */
export function padWithSilence(wav: Pcm16, seconds: number): Pcm16 {
  const pad = Math.round(seconds * wav.sampleRate) * wav.channels;
  const samples = new Int16Array(wav.samples.length + 2 * pad);
  samples.set(wav.samples, pad);
  return { ...wav, samples };
}
