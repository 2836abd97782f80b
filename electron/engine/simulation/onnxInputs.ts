/**
 * The declared inputs of an ONNX file (name, element type, dims), read straight from the protobuf.
 *
 * Why a file parse and not `InferenceSession.inputMetadata`: it needs no session, so it works the same
 * when sessions live in worker threads or on a GPU, costs a few KiB of reads instead of loading the
 * weights (an 800 MB model takes seconds and 800 MB to open), and tells a missing or non-ONNX file apart
 * before anything is loaded. onnx-proto is a devDependency only, so the few fields needed are decoded
 * here by hand, seeking over everything else (initializers may be hundreds of MB).
 */
import { open, type FileHandle } from 'node:fs/promises';

/** A dimension: a fixed size, or a symbolic/unknown one (null) that the caller chooses. */
export type DeclaredDim = number | null;

export interface DeclaredInput {
  name: string;
  /** onnxruntime's tensor type name ('float32', 'int64', …), or `onnx-type-N` for one it cannot feed. */
  type: string;
  /** null when the model declares no shape at all (any rank). */
  dims: DeclaredDim[] | null;
}

/** The file is missing, unreadable, a directory, or not an ONNX model. The message is one line. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

// ONNX TensorProto.DataType → onnxruntime tensor type.
const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

// ModelProto fields and the wire type each must have; anything else means the file is not ONNX.
const MODEL_FIELDS: Record<number, number> = {
  1: 0,
  2: 2,
  3: 2,
  4: 2,
  5: 0,
  6: 2,
  7: 2,
  8: 2,
  14: 2,
  20: 2,
  25: 2,
  26: 2,
};
const FIELD_IR_VERSION = 1;
const FIELD_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const TENSOR_NAME = 8;
const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const CHUNK = 64 * 1024;
// A declared input is a few hundred bytes; more means a corrupt length, not a real ValueInfoProto.
const MAX_VALUE_INFO_BYTES = 1024 * 1024;

/** The inputs a session of this file requires (graph inputs that are not initializers), in order. */
export async function readOnnxInputs(path: string): Promise<DeclaredInput[]> {
  const file = await openModel(path);
  try {
    const reader = new FileReader(file.handle, file.size);
    const graph = await readModel(reader, path);
    const initializers = new Set(graph.initializerNames);
    return graph.inputs.filter((i) => !initializers.has(i.name));
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    // File-system errors carry a code; anything else is a structure that does not decode as ONNX.
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === undefined ? `not an ONNX model (${describeError(error)})` : describeError(error);
    throw new ModelFileError(`${path}: ${why}`);
  } finally {
    await file.handle.close();
  }
}

async function openModel(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new ModelFileError(`${path}: ${describeError(error)}`);
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new ModelFileError(`${path}: is a directory, not an ONNX model file`);
  }
  return { handle, size: stat.size };
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not an ONNX model file';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (error instanceof Error ? error.message : String(error));
}

interface GraphParts {
  inputs: DeclaredInput[];
  initializerNames: string[];
}

async function readModel(reader: FileReader, path: string): Promise<GraphParts> {
  const notOnnx = () => new ModelFileError(`${path}: not an ONNX model (no ONNX ModelProto in the file)`);
  const parts: GraphParts = { inputs: [], initializerNames: [] };
  let sawIr = false;
  let sawGraph = false;
  while (reader.pos < reader.size) {
    const field = await reader.tag(reader.size);
    if (field === null || MODEL_FIELDS[field.number] !== field.wire) throw notOnnx();
    if (field.number === FIELD_IR_VERSION) sawIr = true;
    if (field.number === FIELD_GRAPH) {
      // A repeated embedded message merges: a graph may be written in several pieces.
      sawGraph = true;
      const length = await reader.lengthOf(field, reader.size);
      await readGraph(reader, reader.pos + length, parts);
    } else await reader.skipValue(field, reader.size);
  }
  if (!sawIr || !sawGraph) throw notOnnx();
  return parts;
}

async function readGraph(reader: FileReader, end: number, parts: GraphParts): Promise<void> {
  while (reader.pos < end) {
    const field = await reader.tag(end);
    if (field === null) throw new Error('corrupt graph');
    if (field.wire === WIRE_LEN && field.number === GRAPH_INPUT) {
      parts.inputs.push(
        parseValueInfo(await reader.bytes(await reader.lengthOf(field, end), MAX_VALUE_INFO_BYTES)),
      );
    } else if (field.wire === WIRE_LEN && field.number === GRAPH_INITIALIZER) {
      const length = await reader.lengthOf(field, end);
      const name = await readTensorName(reader, reader.pos + length);
      if (name !== null) parts.initializerNames.push(name);
    } else await reader.skipValue(field, end);
  }
}

/** An initializer's name, seeking over its data (raw_data may be hundreds of MB). */
async function readTensorName(reader: FileReader, end: number): Promise<string | null> {
  let name: string | null = null;
  while (reader.pos < end) {
    const field = await reader.tag(end);
    if (field === null) throw new Error('corrupt initializer');
    if (field.wire === WIRE_LEN && field.number === TENSOR_NAME) {
      name = utf8(await reader.bytes(await reader.lengthOf(field, end), MAX_VALUE_INFO_BYTES));
    } else await reader.skipValue(field, end);
  }
  return name;
}

/** ValueInfoProto { name = 1; type = 2 (TypeProto { tensor_type = 1 { elem_type = 1; shape = 2 } }) }. */
function parseValueInfo(bytes: Uint8Array): DeclaredInput {
  const info = fieldsOf(bytes);
  const name = utf8(message(info.get(1)?.[0]) ?? new Uint8Array());
  const type = message(info.get(2)?.[0]);
  // Only tensor_type (1) can be fed; sequence, map, optional and sparse inputs have other numbers.
  const tensor = type ? message(fieldsOf(type).get(1)?.[0]) : undefined;
  if (!tensor) return { name, type: 'non-tensor', dims: null };
  const tensorFields = fieldsOf(tensor);
  const elem = tensorFields.get(1)?.[0];
  const elemType = typeof elem === 'number' ? elem : 0;
  const shape = tensorFields.get(2)?.[0];
  return {
    name,
    type: ELEMENT_TYPES[elemType] ?? `onnx-type-${elemType}`,
    dims: shape instanceof Uint8Array ? parseShape(shape) : null,
  };
}

/** TensorShapeProto { repeated Dimension dim = 1 { dim_value = 1 | dim_param = 2 } }. */
function parseShape(bytes: Uint8Array): DeclaredDim[] {
  return (fieldsOf(bytes).get(1) ?? []).map((dim) => {
    const value = dim instanceof Uint8Array ? fieldsOf(dim).get(1)?.[0] : undefined;
    return typeof value === 'number' && value > 0 ? value : null;
  });
}

type FieldValue = number | Uint8Array;

function message(value: FieldValue | undefined): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

/** Every field of a small in-memory message, by number (varints as numbers, LEN as bytes). */
function fieldsOf(bytes: Uint8Array): Map<number, FieldValue[]> {
  const out = new Map<number, FieldValue[]>();
  const cursor = { pos: 0 };
  while (cursor.pos < bytes.length) {
    const key = varintAt(bytes, cursor);
    const wire = key % 8;
    const number = Math.floor(key / 8);
    const value = valueAt(bytes, cursor, wire);
    if (value === undefined) continue;
    const list = out.get(number) ?? [];
    list.push(value);
    out.set(number, list);
  }
  return out;
}

function valueAt(bytes: Uint8Array, cursor: { pos: number }, wire: number): FieldValue | undefined {
  if (wire === WIRE_VARINT) return varintAt(bytes, cursor);
  if (wire === WIRE_LEN) {
    const length = varintAt(bytes, cursor);
    if (cursor.pos + length > bytes.length) throw new Error('corrupt field length');
    const value = bytes.subarray(cursor.pos, cursor.pos + length);
    cursor.pos += length;
    return value;
  }
  if (wire === WIRE_I64 || wire === WIRE_I32) {
    cursor.pos += wire === WIRE_I64 ? 8 : 4;
    return undefined;
  }
  throw new Error(`unsupported wire type ${wire}`);
}

function varintAt(bytes: Uint8Array, cursor: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[cursor.pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
  }
  throw new Error('varint too long');
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

interface Tag {
  number: number;
  wire: number;
}

/** Reads a file forward through a small window; large values are skipped by moving the position. */
class FileReader {
  pos = 0;
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** The next field's tag, or null when it is malformed or would run past `end`. */
  async tag(end: number): Promise<Tag | null> {
    const key = await this.varint(end);
    if (key === null || key < 8) return null;
    return { number: Math.floor(key / 8), wire: key % 8 };
  }

  async lengthOf(field: Tag, end: number): Promise<number> {
    const length = field.wire === WIRE_LEN ? await this.varint(end) : null;
    if (length === null || this.pos + length > end) throw new Error('corrupt field length');
    return length;
  }

  async skipValue(field: Tag, end: number): Promise<void> {
    if (field.wire === WIRE_VARINT) {
      if ((await this.varint(end)) === null) throw new Error('truncated varint');
    } else if (field.wire === WIRE_LEN) {
      // Not `this.pos += await …`: that would add to the position from before the length was read.
      const length = await this.lengthOf(field, end);
      this.pos += length;
    } else if (field.wire === WIRE_I64 || field.wire === WIRE_I32)
      this.pos += field.wire === WIRE_I64 ? 8 : 4;
    else throw new Error(`unsupported wire type ${field.wire}`);
    if (this.pos > end) throw new Error('field runs past its message');
  }

  async bytes(length: number, limit: number): Promise<Uint8Array> {
    if (length > limit) throw new Error('field too large');
    const out = new Uint8Array(length);
    const { bytesRead } = await this.handle.read(out, 0, length, this.pos);
    if (bytesRead < length) throw new Error('truncated file');
    this.pos += length;
    return out;
  }

  private async varint(end: number): Promise<number | null> {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10 && this.pos < end; i++) {
      const byte = await this.byte();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    return null;
  }

  private async byte(): Promise<number> {
    const offset = this.pos - this.windowStart;
    if (offset < 0 || offset >= this.window.length) await this.fill();
    const byte = this.window[this.pos - this.windowStart];
    if (byte === undefined) throw new Error('truncated file');
    this.pos++;
    return byte;
  }

  private async fill(): Promise<void> {
    const buffer = new Uint8Array(Math.min(CHUNK, Math.max(0, this.size - this.pos)));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.pos);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = this.pos;
  }
}
