/**
 * Inputs for a real model that nobody wrote feeds for: `simulate` scenarios whose models give a `path`,
 * benchmarks, checks. Built from the model's declared inputs so that its runs are real work and a failed
 * run means a real failure. Callers of ModelHost use `feedsForModelFile` (reads the ONNX file, no session
 * needed) or `inputsFromMetadata` + `buildFeeds` when they already hold an onnxruntime session.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { Feeds } from '../models/session';
import { readOnnxInputs, type DeclaredInput } from './onnxInputs';

export { ModelFileError, readOnnxInputs, type DeclaredDim, type DeclaredInput } from './onnxInputs';

/**
 * Sizes for the dynamic dimensions: one shape for every input of the same rank (an input declared
 * without a shape takes it whole), or a shape per input name. Dynamic dimensions not given are 1.
 */
export type InputShape = readonly number[] | Readonly<Record<string, readonly number[]>>;

/** The declared inputs and a requested shape do not fit together, or an input cannot be fed. One line. */
export class ModelInputError extends Error {
  override name = 'ModelInputError';
}

/** Reads the file's declared inputs and builds feeds for them. */
export async function feedsForModelFile(path: string, shape?: InputShape): Promise<Feeds> {
  return buildFeeds(await readOnnxInputs(path), shape);
}

/** The same description from a loaded session's metadata (symbolic dims are strings or -1 there). */
export function inputsFromMetadata(metadata: readonly InferenceSession.ValueMetadata[]): DeclaredInput[] {
  return metadata.map((m) => {
    if (!m.isTensor) return { name: m.name, type: 'non-tensor', dims: null };
    return {
      name: m.name,
      type: m.type,
      dims: m.shape.map((d) => (typeof d === 'number' && d > 0 ? d : null)),
    };
  });
}

const FEEDABLE = new Set([
  'float32',
  'float64',
  'float16',
  'int64',
  'uint64',
  'int32',
  'uint32',
  'int16',
  'uint16',
  'int8',
  'uint8',
  'bool',
  'string',
]);

/** One tensor per input, with deterministic contents (see `fill`). */
export function buildFeeds(inputs: readonly DeclaredInput[], shape?: InputShape): Feeds {
  checkNamedShapes(inputs, shape);
  const feeds: Feeds = {};
  for (const input of inputs) {
    // The type first: a shape is no help to an input that cannot be fed at all.
    if (!FEEDABLE.has(input.type)) {
      throw new ModelInputError(`input "${input.name}" has type ${input.type}, which cannot be fed`);
    }
    feeds[input.name] = tensorFor(input, dimsFor(input, shape));
  }
  return feeds;
}

/** Concrete dims: declared fixed sizes stay, dynamic ones come from `shape` or are 1. */
export function dimsFor(input: DeclaredInput, shape?: InputShape): number[] {
  const given = shapeFor(input, shape);
  checkGiven(input, given);
  if (input.dims === null) {
    if (given === undefined) {
      throw new ModelInputError(`input "${input.name}" declares no shape: give its shape in inputShape`);
    }
    return [...given];
  }
  return input.dims.map((d, i) => d ?? given?.[i] ?? 1);
}

function shapeFor(input: DeclaredInput, shape?: InputShape): readonly number[] | undefined {
  if (shape === undefined) return undefined;
  if (isShapeList(shape))
    return input.dims === null || input.dims.length === shape.length ? shape : undefined;
  return shape[input.name];
}

function isShapeList(shape: InputShape): shape is readonly number[] {
  return Array.isArray(shape);
}

function checkGiven(input: DeclaredInput, given: readonly number[] | undefined): void {
  if (given === undefined) return;
  const bad = given.find((d) => !Number.isInteger(d) || d < 1);
  if (bad !== undefined)
    throw new ModelInputError(`inputShape for "${input.name}": ${bad} is not a size ≥ 1`);
  if (input.dims === null) return;
  const clash = given.length !== input.dims.length || input.dims.some((d, i) => d !== null && d !== given[i]);
  if (clash) {
    throw new ModelInputError(
      `inputShape [${given.join(', ')}] does not fit input "${input.name}", declared [${input.dims.map((d) => d ?? '?').join(', ')}]`,
    );
  }
}

/** A shape per name must name real inputs: a typo would otherwise silently fall back to 1s. */
function checkNamedShapes(inputs: readonly DeclaredInput[], shape?: InputShape): void {
  if (shape === undefined || isShapeList(shape)) return;
  const names = new Set(inputs.map((i) => i.name));
  const unknown = Object.keys(shape).find((n) => !names.has(n));
  if (unknown !== undefined) {
    throw new ModelInputError(
      `inputShape names "${unknown}", which is not an input (inputs: ${[...names].join(', ')})`,
    );
  }
}

function tensorFor(input: DeclaredInput, dims: number[]): Tensor {
  const count = dims.reduce((a, b) => a * b, 1);
  const data = fill(input, count);
  return new Tensor(input.type as Tensor.Type, data, dims);
}

/**
 * Floats: small varied values (finite through any activation); integers: 1, a valid token id, count
 * and length for the speech models' `length`-style inputs; bool: true (masks keep everything).
 */
function fill(input: DeclaredInput, count: number): Tensor.DataType {
  const float = (i: number) => ((i % 17) - 8) / 80;
  switch (input.type) {
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => float(i));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => float(i));
    case 'float16':
      return new Uint16Array(count); // IEEE half 0.0: no portable float16 conversion to lean on
    case 'int64':
      return new BigInt64Array(count).fill(1n);
    case 'uint64':
      return new BigUint64Array(count).fill(1n);
    case 'int32':
      return new Int32Array(count).fill(1);
    case 'uint32':
      return new Uint32Array(count).fill(1);
    case 'int16':
      return new Int16Array(count).fill(1);
    case 'uint16':
      return new Uint16Array(count).fill(1);
    case 'int8':
      return new Int8Array(count).fill(1);
    case 'uint8':
      return new Uint8Array(count).fill(1);
    case 'bool':
      return new Uint8Array(count).fill(1);
    case 'string':
      return Array.from({ length: count }, () => '');
    default:
      throw new ModelInputError(`input "${input.name}" has type ${input.type}, which cannot be fed`);
  }
}
