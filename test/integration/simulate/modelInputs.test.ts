import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildFeeds,
  feedsForModelFile,
  inputsFromMetadata,
  ModelFileError,
  ModelInputError,
  readOnnxInputs,
  type DeclaredInput,
} from '../../../electron/engine/simulation/modelInputs';
import { writeDenseModel } from '../../fixtures/denseModel';

const { onnx } = onnxProto;
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MODELS = [
  'electron/engine/models/probeModel.onnx',
  'test/fixtures/models/tiny-ctc/model.onnx',
  'test/fixtures/models/tiny-tdt/encoder-model.onnx',
  'test/fixtures/models/tiny-tdt/decoder_joint-model.onnx',
].map((p) => join(ROOT, p));

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'swictation-inputs-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('readOnnxInputs: the declared inputs, read from the file without a session', () => {
  it.each(MODELS)('agrees with onnxruntime’s inputMetadata, and the built feeds run: %s', async (path) => {
    const session = await ort.InferenceSession.create(path);
    try {
      expect(await readOnnxInputs(path)).toEqual(inputsFromMetadata(session.inputMetadata));
      const outputs = await session.run(await feedsForModelFile(path));
      expect(Object.keys(outputs)).toEqual(session.outputNames);
    } finally {
      await session.release();
    }
  });

  it('leaves out graph inputs that are initializers (IR < 4 lists weights as inputs)', async () => {
    const path = join(tmp, 'ir3.onnx');
    await writeFile(path, weightsAsInputModel());
    expect(await readOnnxInputs(path)).toEqual([{ name: 'x', type: 'float32', dims: [null, 2] }]);
    const session = await ort.InferenceSession.create(path);
    const y = (await session.run(await feedsForModelFile(path)))['y'];
    await session.release();
    expect(y?.dims).toEqual([1, 2]);
  });

  it('finds the input of a 64 MiB model behind its weights by seeking, not reading them', async () => {
    const path = join(tmp, 'dense.onnx');
    await writeDenseModel(path, 64);
    // Count the bytes the parser asks the file for (observed, not replaced: the real read still runs).
    const probe = await open(path);
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const read = vi.spyOn(proto, 'read');
    try {
      const inputs = await readOnnxInputs(path);
      expect(inputs.map((i) => i.name)).toEqual(['x']);
      const requested = read.mock.calls.reduce((sum, call) => sum + Number((call as unknown[])[2] ?? 0), 0);
      expect(requested).toBeLessThan(1024 * 1024);
    } finally {
      read.mockRestore();
    }
  });

  it.each([
    ['missing', 'nope.onnx', /nope\.onnx: no such file$/],
    ['a directory', '.', /: is a directory, not an ONNX model file$/],
    ['text', 'text.onnx', /text\.onnx: not an ONNX model/],
    ['empty', 'empty.onnx', /empty\.onnx: not an ONNX model/],
    ['JSON', 'model.json', /model\.json: not an ONNX model/],
  ])('a %s file is a one-line ModelFileError', async (_, name, message) => {
    await writeFile(join(tmp, 'text.onnx'), 'hello, this is not a model\n');
    await writeFile(join(tmp, 'empty.onnx'), '');
    await writeFile(join(tmp, 'model.json'), '{"graph": {"input": []}}');
    const error = await readOnnxInputs(join(tmp, name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('buildFeeds: dynamic dimensions are 1 unless inputShape sizes them', () => {
  const ctc: DeclaredInput[] = [
    { name: 'audio_signal', type: 'float32', dims: [null, 80, null] },
    { name: 'length', type: 'int64', dims: [null] },
  ];

  it('1 for every dynamic dimension by default; integers 1, floats finite', () => {
    const feeds = buildFeeds(ctc);
    expect(feeds['audio_signal']?.dims).toEqual([1, 80, 1]);
    expect(feeds['length']?.data).toEqual(BigInt64Array.of(1n));
  });

  it('one shape sizes every input of its rank', () => {
    const feeds = buildFeeds(ctc, [2, 80, 100]);
    expect(feeds['audio_signal']?.dims).toEqual([2, 80, 100]);
    expect(feeds['length']?.dims).toEqual([1]);
  });

  it('a shape per input name', () => {
    const feeds = buildFeeds(ctc, { audio_signal: [1, 80, 50], length: [1] });
    expect(feeds['audio_signal']?.dims).toEqual([1, 80, 50]);
  });

  it('refuses a shape that contradicts a fixed dimension, an unknown name, and a shapeless input', () => {
    expect(() => buildFeeds(ctc, { audio_signal: [1, 64, 50] })).toThrow(ModelInputError);
    expect(() => buildFeeds(ctc, { audio: [1, 80, 50] })).toThrow(/"audio", which is not an input/);
    expect(() => buildFeeds([{ name: 'z', type: 'float32', dims: null }])).toThrow(/declares no shape/);
    expect(buildFeeds([{ name: 'z', type: 'float32', dims: null }], [3, 4])['z']?.dims).toEqual([3, 4]);
  });

  it('an input that is not a tensor cannot be fed', () => {
    expect(() => buildFeeds([{ name: 's', type: 'non-tensor', dims: null }])).toThrow(/cannot be fed/);
  });
});

/** y = x + w, with w both an initializer and a graph input, as IR 3 exporters wrote weights. */
function weightsAsInputModel(): Uint8Array {
  const row = (name: string) => ({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'n' }, { dimValue: 2 }] },
      },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 3,
    opsetImport: [{ version: 9 }],
    graph: {
      name: 'ir3',
      node: [{ opType: 'Add', input: ['x', 'w'], output: ['y'] }],
      initializer: [
        { name: 'w', dims: [1, 2], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [1, 2] },
      ],
      input: [
        row('x'),
        {
          ...row('w'),
          type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } },
        },
      ],
      output: [row('y')],
    },
  }).finish();
}
