/**
 * A "ballast" ONNX model built at runtime for `swictation stress`: y = Mul(x, W) with x float32 [1] and
 * W a float32 [N] initializer stored as raw_data. A GPU session of it holds W in VRAM for as long as the
 * session lives, which is how `stress` takes memory through the same provider the app uses.
 *
 * The protobuf is written by hand (onnx-proto is a devDependency, not shipped): the model needs a handful of
 * fields, and writing them directly lets W's bytes be filled in place in the one output buffer instead of
 * being copied through an encoder (W is hundreds of MiB). Field numbers are from onnx.proto (ONNX 1.12).
 */

const MiB = 1024 * 1024;
const FLOAT_BYTES = 4;
/** ONNX 1.12's IR and opset: what onnxruntime-node 1.30 and the project's other models use. */
const IR_VERSION = 8;
const OPSET = 17;
const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT

export const BALLAST_INPUT = 'x';
export const BALLAST_OUTPUT = 'y';
const WEIGHT_NAME = 'W';

/**
 * W[i] cycles through 1, 1.25, …, 2.5: exact in float32, so a test can check y = x·W exactly, and never 0,
 * so no runtime can treat the tensor as sparse or all-zero.
 */
const PATTERN = [1, 1.25, 1.5, 1.75, 2, 2.25, 2.5];

export function ballastWeight(i: number): number {
  return PATTERN[i % PATTERN.length] as number;
}

/** Elements of W for a ballast of about `mib` MiB of weights (at least one element). */
export function ballastElements(mib: number): number {
  if (!(mib > 0) || !Number.isFinite(mib))
    throw new Error(`ballast size must be a positive MiB count, got ${mib}`);
  return Math.max(1, Math.floor((mib * MiB) / FLOAT_BYTES));
}

// ---- protobuf wire format: just what this model needs ----

const VARINT = 0;
const LEN = 2;

function varint(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint out of range: ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

function intField(field: number, value: number): number[] {
  return [...tag(field, VARINT), ...varint(value)];
}

function bytesField(field: number, bytes: number[]): number[] {
  return [...tag(field, LEN), ...varint(bytes.length), ...bytes];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, [...new TextEncoder().encode(text)]);
}

/** ValueInfoProto { name = 1; type = 2 { tensor_type = 1 { elem_type = 1; shape = 2 { dim = 1 { dim_value = 1 } } } } } */
function floatTensorInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, intField(1, d)));
  const tensorType = [...intField(1, TENSOR_FLOAT), ...bytesField(2, shape)];
  return [...stringField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** NodeProto { input = 1; output = 2; name = 3; op_type = 4 } */
function mulNode(): number[] {
  return [
    ...stringField(1, BALLAST_INPUT),
    ...stringField(1, WEIGHT_NAME),
    ...stringField(2, BALLAST_OUTPUT),
    ...stringField(3, 'ballast_mul'),
    ...stringField(4, 'Mul'),
  ];
}

/**
 * The whole model in one buffer. Layout: ModelProto header fields, then the graph (field 7) last, whose
 * last field is the initializer (GraphProto field 5), whose last field is raw_data (TensorProto field 9):
 * so W's bytes are the buffer's tail and are written there directly.
 */
export function buildBallastModel(mib: number): Uint8Array {
  const n = ballastElements(mib);
  const rawBytes = n * FLOAT_BYTES;
  // TensorProto { dims = 1 (repeated int64, unpacked as proto2 writes it); data_type = 2; name = 8; raw_data = 9 }
  const tensorHead = [
    ...intField(1, n),
    ...intField(2, TENSOR_FLOAT),
    ...stringField(8, WEIGHT_NAME),
    ...tag(9, LEN),
    ...varint(rawBytes),
  ];
  const tensorBytes = tensorHead.length + rawBytes;
  // GraphProto { node = 1; name = 2; initializer = 5; input = 11; output = 12 }
  const graphHead = [
    ...bytesField(1, mulNode()),
    ...stringField(2, 'ballast'),
    ...bytesField(11, floatTensorInfo(BALLAST_INPUT, [1])),
    ...bytesField(12, floatTensorInfo(BALLAST_OUTPUT, [n])),
    ...tag(5, LEN),
    ...varint(tensorBytes),
    ...tensorHead,
  ];
  const graphBytes = graphHead.length + rawBytes;
  // ModelProto { ir_version = 1; producer_name = 2; graph = 7; opset_import = 8 { domain = 1; version = 2 } }
  const modelHead = [
    ...intField(1, IR_VERSION),
    ...stringField(2, 'swictation-ballast'),
    ...bytesField(8, intField(2, OPSET)),
    ...tag(7, LEN),
    ...varint(graphBytes),
    ...graphHead,
  ];
  const out = new Uint8Array(modelHead.length + rawBytes);
  out.set(modelHead, 0);
  fillWeights(out, modelHead.length, n);
  return out;
}

/**
 * Writes W little-endian (ONNX raw_data's byte order) at `offset`. The offset is generally not 4-aligned,
 * so one period of the pattern goes through a DataView and the rest is doubled with copyWithin (memcpy):
 * a 256 MiB ballast fills in well under a second.
 */
function fillWeights(out: Uint8Array, offset: number, n: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const seed = Math.min(n, PATTERN.length);
  for (let i = 0; i < seed; i++) view.setFloat32(offset + i * FLOAT_BYTES, ballastWeight(i), true);
  const total = n * FLOAT_BYTES;
  // Each copy repeats whole periods, so the pattern stays aligned to the element index.
  let filled = seed * FLOAT_BYTES;
  while (filled < total) {
    const chunk = Math.min(filled, total - filled);
    out.copyWithin(offset + filled, offset, offset + chunk);
    filled += chunk;
  }
}
