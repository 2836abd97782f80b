/**
 * WAV files in and out of the engine's format (16 kHz mono Float32). wavefile parses the RIFF structure
 * (RIFF/RIFX/RF64 containers, chunk search, the fmt extension) and decodes A-law/µ-law; the PCM and float
 * samples are decoded here straight from the data chunk's bytes, because wavefile treats every 32-bit
 * WAVE_FORMAT_EXTENSIBLE file as integer PCM (it ignores the subformat GUID) and returns raw integer codes.
 */

import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import wavefile from 'wavefile';
import { readFileSafely } from '../runtime/safeFile';
import { SAMPLE_RATE, type AudioSource } from './audioTypes';
import { MAX_RATE, MIN_RATE, resampleTo16k } from './resample';

export interface DecodedWav {
  /** 16 kHz mono, channels averaged. */
  audio: Float32Array;
  /** The file's own rate and channel count, before conversion. */
  sourceRate: number;
  channels: number;
  durationMs: number;
}

/** What wavefile's `fmt` object holds (its typings say only `object`). */
interface FmtChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  subformat: number[];
}

interface DataChunk {
  chunkSize: number;
  samples: Uint8Array;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

/** Names for the codecs people actually meet inside .wav files, for the error message. */
const CODEC_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3 (MP3)',
  0x00ff: 'AAC',
  0x1610: 'HE-AAC',
  0xf1ac: 'FLAC',
};

/** A data chunk size that streaming writers (arecord, sox to a pipe) leave when they cannot seek back. */
const STREAMING_SIZES = new Set([0, 0xffffffff, 0x7fffffff, 0x7ffff000]);

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

function describeCodec(code: number): string {
  const name = CODEC_NAMES[code];
  return `${name ?? 'unknown codec'} (format tag 0x${code.toString(16).padStart(4, '0')})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function readFmt(value: unknown): FmtChunk {
  if (!isRecord(value)) throw new Error('no fmt chunk');
  const num = (key: string): number => {
    const v = value[key];
    return typeof v === 'number' ? v : 0;
  };
  const sub = value.subformat;
  return {
    audioFormat: num('audioFormat'),
    numChannels: num('numChannels'),
    sampleRate: num('sampleRate'),
    blockAlign: num('blockAlign'),
    bitsPerSample: num('bitsPerSample'),
    subformat: Array.isArray(sub) ? sub.filter((v): v is number => typeof v === 'number') : [],
  };
}

function readData(value: unknown): DataChunk {
  if (!isRecord(value) || !(value.samples instanceof Uint8Array) || typeof value.chunkSize !== 'number') {
    throw new Error('no data chunk');
  }
  return { chunkSize: value.chunkSize, samples: value.samples };
}

/** Interleaved bytes → per-channel-averaged mono in [-1, 1]. */
function decodeInterleaved(
  bytes: Uint8Array,
  channels: number,
  bits: number,
  float: boolean,
  littleEndian: boolean,
): Float32Array {
  const bytesPerSample = bits / 8;
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(bytes.length / frameBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(frames);
  const read = sampleReader(view, bits, float, littleEndian);
  const scale = 1 / channels;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const base = f * frameBytes;
    for (let c = 0; c < channels; c++) sum += read(base + c * bytesPerSample);
    out[f] = sum * scale;
  }
  return out;
}

function sampleReader(view: DataView, bits: number, float: boolean, le: boolean): (offset: number) => number {
  if (float) {
    if (bits === 32) return (o) => view.getFloat32(o, le);
    return (o) => view.getFloat64(o, le);
  }
  switch (bits) {
    case 8:
      // 8-bit WAV is unsigned with 128 as zero.
      return (o) => (view.getUint8(o) - 128) / 128;
    case 16:
      return (o) => view.getInt16(o, le) / 32768;
    case 24:
      // No 24-bit getter on DataView: the most significant byte is read signed, the other two unsigned.
      return le
        ? (o) => ((view.getInt8(o + 2) << 16) | (view.getUint8(o + 1) << 8) | view.getUint8(o)) / 8388608
        : (o) => ((view.getInt8(o) << 16) | (view.getUint8(o + 1) << 8) | view.getUint8(o + 2)) / 8388608;
    default:
      return (o) => view.getInt32(o, le) / 2147483648;
  }
}

/**
 * Decodes a WAV file's bytes to 16 kHz mono. `name` (the file name) goes into every error message.
 * Supports PCM 8/16/24/32-bit, IEEE float 32/64-bit, A-law and µ-law, plain or WAVE_FORMAT_EXTENSIBLE,
 * any channel count (averaged), any rate from 4 kHz to 768 kHz (resampled band-limited).
 */
export function decodeWav(bytes: Uint8Array, name = 'WAV data'): DecodedWav {
  const fail = (why: string): never => {
    throw new WavFormatError(`${name}: ${why}`);
  };
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  const wave = String.fromCharCode(...bytes.subarray(8, 12));
  if (bytes.length < 12 || !['RIFF', 'RIFX', 'RF64'].includes(magic) || wave !== 'WAVE') {
    fail('not a WAV file (no RIFF/WAVE header)');
  }

  let wav: wavefile.WaveFile;
  try {
    wav = new wavefile.WaveFile(bytes);
  } catch (error) {
    // wavefile says "Could not find the "data" chunk" for a file cut off before its samples.
    const why = error instanceof Error ? error.message : String(error);
    return fail(`truncated or malformed WAV file: ${why}`);
  }
  const fmt = readFmt(wav.fmt);
  const data = readData(wav.data);

  let code = fmt.audioFormat;
  if (code === FORMAT_EXTENSIBLE) {
    // The subformat GUID's first 16 bits carry the real format tag.
    code = (fmt.subformat[0] ?? 0) & 0xffff;
  }
  const channels = fmt.numChannels;
  const rate = fmt.sampleRate;
  if (channels < 1) fail(`invalid channel count ${channels}`);
  if (rate < MIN_RATE || rate > MAX_RATE) {
    fail(`unsupported sample rate ${rate} Hz (supported: ${MIN_RATE}–${MAX_RATE} Hz)`);
  }

  let bits = fmt.bitsPerSample;
  let float = false;
  let samples = data.samples;
  let littleEndian = wav.container !== 'RIFX';
  switch (code) {
    case FORMAT_PCM:
      // Odd widths (12-, 20-bit) are stored in the next whole byte, MSB-aligned.
      bits = Math.ceil(bits / 8) * 8;
      if (![8, 16, 24, 32].includes(bits)) fail(`unsupported PCM bit depth ${fmt.bitsPerSample}`);
      break;
    case FORMAT_FLOAT:
      if (bits !== 32 && bits !== 64) fail(`unsupported float bit depth ${bits}`);
      float = true;
      break;
    case FORMAT_ALAW:
    case FORMAT_MULAW:
      checkTruncated(data, channels * 1, fail);
      // wavefile expands the 8-bit companded codes to 16-bit PCM (little-endian RIFF).
      if (code === FORMAT_ALAW) wav.fromALaw('16');
      else wav.fromMuLaw('16');
      samples = readData(wav.data).samples;
      bits = 16;
      littleEndian = true;
      break;
    default:
      fail(
        `unsupported codec ${describeCodec(code)}; convert it to PCM WAV first (e.g. sox in.wav -e signed out.wav)`,
      );
  }
  const frameBytes = (bits / 8) * channels;
  if (code !== FORMAT_ALAW && code !== FORMAT_MULAW) checkTruncated(data, frameBytes, fail);

  const mono = decodeInterleaved(samples, channels, bits, float, littleEndian);
  const audio = rate === SAMPLE_RATE ? mono : resampleTo16k(mono, rate);
  return { audio, sourceRate: rate, channels, durationMs: (mono.length / rate) * 1000 };
}

function checkTruncated(data: DataChunk, frameBytes: number, fail: (why: string) => never): void {
  const have = data.samples.length;
  if (have < data.chunkSize && !STREAMING_SIZES.has(data.chunkSize)) {
    fail(`truncated WAV file: the data chunk declares ${data.chunkSize} bytes but only ${have} are present`);
  }
  if (have % frameBytes !== 0 && have < data.chunkSize) {
    fail(`truncated WAV file: ${have} data bytes is not a whole number of ${frameBytes}-byte frames`);
  }
}

/**
 * The largest WAV file read: about 4.6 h of 16 kHz 16-bit mono, 46 min of 48 kHz 16-bit stereo. The whole
 * file is decoded in memory, so without a limit a path like /dev/zero (or a huge file) takes the engine's
 * memory with it.
 */
export const WAV_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Reads a WAV file and converts it to 16 kHz mono. Errors name the file. Only a regular file of at most
 * `maxBytes` is read (a FIFO or a device is refused at once); a link is followed, since the path is the
 * user's own choice (the CLI, tests), never one a window could name.
 */
export async function readWav(path: string, maxBytes = WAV_MAX_BYTES): Promise<DecodedWav> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileSafely(path, { maxBytes, followSymlinks: true });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new WavFormatError(`${basename(path)}: cannot read: ${why}`);
  }
  return decodeWav(bytes, basename(path));
}

/** Encodes 16 kHz mono Float32 as a 16-bit PCM WAV file's bytes (clipped to [-1, 1]). */
export function encodeWav(audio: Float32Array, sampleRate = SAMPLE_RATE): Uint8Array {
  const pcm = new Int16Array(audio.length);
  for (let i = 0; i < audio.length; i++) {
    // The same 1/32768 scale as decoding (round trip within half a step); +1.0 clips to 32767.
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round((audio[i] ?? 0) * 32768)));
  }
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}

/** Writes 16 kHz mono Float32 as a 16-bit PCM WAV file (for tests and tools). */
export async function writeWav(path: string, audio16k: Float32Array): Promise<void> {
  await writeFile(path, encodeWav(audio16k));
}

export interface WavFileSourceOptions {
  /** Chunk length in ms (default 32 = 512 samples, one VAD chunk). */
  chunkMs?: number;
  /** Pace the chunks to wall time, like a microphone (default false: as fast as the consumer reads). */
  realtime?: boolean;
}

/** A WAV file as an AudioSource of 16 kHz chunks. The file is read (and resampled) once, on first use. */
export function wavFileSource(path: string, opts: WavFileSourceOptions = {}): AudioSource {
  const chunkMs = opts.chunkMs ?? 32;
  const realtime = opts.realtime ?? false;
  if (!(chunkMs > 0) || !Number.isFinite(chunkMs)) {
    throw new RangeError(`wavFileSource: chunkMs must be a positive number, got ${chunkMs}`);
  }
  const chunkSamples = Math.max(1, Math.round((chunkMs * SAMPLE_RATE) / 1000));
  return {
    async *[Symbol.asyncIterator]() {
      const { audio } = await readWav(path);
      const start = performance.now();
      for (let offset = 0, i = 0; offset < audio.length; offset += chunkSamples, i++) {
        if (realtime) {
          // Like a microphone, a chunk is ready once its last sample has been "recorded". The due time is
          // counted from the start, not from the last chunk, so timer lateness does not accumulate.
          const end = Math.min(offset + chunkSamples, audio.length);
          const due = start + (end * 1000) / SAMPLE_RATE;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        yield audio.slice(offset, offset + chunkSamples);
      }
    },
  };
}
