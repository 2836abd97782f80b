/**
 * A model folder → its Recognizer. The family comes from config.json (`family`, or onnx-asr's `model_type`),
 * else from the files: encoder-model*.onnx + decoder_joint-model*.onnx is a NeMo TDT export, model*.onnx a
 * NeMo CTC export. Every problem names the file: missing, empty, not ONNX, shorter than installed.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { readInstallManifest } from '../models/downloadManifest';
import { openRegularFile, readTextFileSafely } from '../runtime/safeFile';
import type { Device, ModelSpec } from '../models/session';
import { defaultModelConfig, parseModelConfig, type SttFamily } from './modelConfig';
import { NemoCtcRecognizer, type FeatureFn } from './nemoCtc';
import { NemoTdtRecognizer } from './nemoTdt';
import { parseTokens, type Vocabulary } from './tokens';

export interface LoadRecognizerOptions {
  /** ModelHost ids: `<prefix>` for CTC, `<prefix>-encoder` / `<prefix>-decoder` for TDT. Default 'stt'. */
  idPrefix?: string;
  /** Which export to take when a folder holds both: fp32 (default) or int8. */
  quantization?: 'fp32' | 'int8';
  features?: FeatureFn;
}

export type LoadedRecognizer = NemoCtcRecognizer | NemoTdtRecognizer;

const MiB = 1024 * 1024;
/**
 * Model files are read through safeFile: a FIFO or a device in a model folder would block the engine's start
 * (or onnxruntime's read) forever. Links are followed: a model folder may be the user's own, or linked.
 */
const TEXT_LIMIT = { maxBytes: 16 * MiB, followSymlinks: true };
const readText = (file: string) => readTextFileSafely(file, TEXT_LIMIT);

export async function loadRecognizer(
  dir: string,
  opts: LoadRecognizerOptions = {},
): Promise<LoadedRecognizer> {
  const files = await listFolder(dir);
  const quant = opts.quantization ?? 'fp32';
  const detected = detectFamily(files);
  const config = files.has('config.json')
    ? parseModelConfig(await readText(path.join(dir, 'config.json')), detected, path.join(dir, 'config.json'))
    : detected
      ? defaultModelConfig(detected)
      : null;
  if (config === null) {
    throw new Error(
      `${dir} is not a speech model folder: no config.json, and neither model.onnx (NeMo CTC) nor ` +
        `encoder-model.onnx + decoder_joint-model.onnx (NeMo TDT)`,
    );
  }
  const vocab = await loadVocabulary(dir, files);
  await checkAgainstManifest(dir);
  const prefix = opts.idPrefix ?? 'stt';
  const features = opts.features;
  if (config.family === 'nemo-ctc') {
    const model = await specFor(dir, files, pick(files, dir, 'model', quant), prefix, 'gpu');
    return new NemoCtcRecognizer({ model, vocab, config, ...(features ? { features } : {}) });
  }
  // The encoder is the heavy part and belongs on the GPU; the decoder-joint runs once per token step with
  // tiny inputs, where a GPU round trip costs more than the CPU computes (Silero VAD: 5 ms WebGPU vs 0.1 ms CPU).
  const encoder = await specFor(
    dir,
    files,
    pick(files, dir, 'encoder-model', quant),
    `${prefix}-encoder`,
    'gpu',
  );
  const decoder = await specFor(
    dir,
    files,
    pick(files, dir, 'decoder_joint-model', quant),
    `${prefix}-decoder`,
    'cpu',
  );
  return new NemoTdtRecognizer({ encoder, decoder, vocab, config, ...(features ? { features } : {}) });
}

async function listFolder(dir: string): Promise<Set<string>> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new Error(`model path ${dir} is a file, not a folder`);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) throw new Error(`model folder ${dir} does not exist`);
    throw error;
  }
  return new Set(await readdir(dir));
}

function detectFamily(files: Set<string>): SttFamily | null {
  const has = (base: string): boolean => files.has(`${base}.onnx`) || files.has(`${base}.int8.onnx`);
  if (has('encoder-model') || has('decoder_joint-model')) return 'nemo-tdt';
  if (has('model')) return 'nemo-ctc';
  return null;
}

/** `<base>.onnx` or `<base>.int8.onnx`, whichever is there (the requested one when both are). */
function pick(files: Set<string>, dir: string, base: string, quant: 'fp32' | 'int8'): string {
  const fp32 = `${base}.onnx`;
  const int8 = `${base}.int8.onnx`;
  const order = quant === 'int8' ? [int8, fp32] : [fp32, int8];
  const found = order.find((f) => files.has(f));
  if (found === undefined)
    throw new Error(`model file ${path.join(dir, fp32)} is missing (nor is there ${int8})`);
  return found;
}

async function loadVocabulary(dir: string, files: Set<string>): Promise<Vocabulary> {
  const name = ['tokens.txt', 'vocab.txt'].find((f) => files.has(f));
  if (name === undefined)
    throw new Error(`token list ${path.join(dir, 'tokens.txt')} is missing (nor is there vocab.txt)`);
  const file = path.join(dir, name);
  return parseTokens(await readText(file), file);
}

/**
 * A ModelSpec whose size counts external weights too (encoder-model.onnx.data holds 2.4 GB of Parakeet's
 * 2.5 GB): the size is the first VRAM estimate.
 */
async function specFor(
  dir: string,
  files: Set<string>,
  name: string,
  id: string,
  prefer: Device,
): Promise<ModelSpec> {
  const file = path.join(dir, name);
  const head = await readHead(file);
  // A serialized ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  if (head.size === 0) throw new Error(`model file ${file} is empty`);
  if (head.first !== 0x08)
    throw new Error(`model file ${file} is not an ONNX model (corrupt or a download error page)`);
  let bytes = head.size;
  for (const data of [`${name}.data`, `${name}_data`]) {
    if (!files.has(data)) continue;
    const s = await stat(path.join(dir, data));
    if (!s.isFile()) throw new Error(`model file ${path.join(dir, data)} is not a regular file`);
    bytes += s.size;
  }
  return { id, role: 'stt', path: file, sizeMiB: Math.max(1, Math.round(bytes / MiB)), prefer };
}

async function readHead(file: string): Promise<{ size: number; first: number | undefined }> {
  // Checked to be a regular file here, before onnxruntime is ever given the path.
  const { handle, stats } = await openRegularFile(file, {
    maxBytes: Number.MAX_SAFE_INTEGER,
    followSymlinks: true,
  });
  const size = stats.size;
  try {
    if (size === 0) return { size, first: undefined };
    const buf = new Uint8Array(1);
    await handle.read(buf, 0, 1, 0);
    return { size, first: buf[0] };
  } finally {
    await handle.close();
  }
}

/** An installed model records each file's size; a shorter file is a cut download or a damaged disk. */
async function checkAgainstManifest(dir: string): Promise<void> {
  const manifest = await readInstallManifest(dir);
  if (manifest === null) return;
  for (const f of manifest.files) {
    const file = path.join(dir, f.name);
    const size = await stat(file).then(
      (s) => s.size,
      () => null,
    );
    if (size === null)
      throw new Error(`model file ${file} is missing (the install lists it): reinstall ${manifest.id}`);
    if (size !== f.bytes) {
      throw new Error(
        `model file ${file} has ${size} bytes, ${f.bytes} were installed: it is damaged, reinstall ${manifest.id}`,
      );
    }
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
