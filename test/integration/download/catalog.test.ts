/** The catalog's entries are well formed, and its published values hold up where they can be checked here. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogEntry, downloadBytes, MODEL_CATALOG } from '../../../electron/engine/models/catalog';
import { parseModelConfig } from '../../../electron/engine/stt/modelConfig';

describe('MODEL_CATALOG', () => {
  it('has unique ids and well-formed files', () => {
    expect(new Set(MODEL_CATALOG.map((e) => e.id)).size).toBe(MODEL_CATALOG.length);
    for (const e of MODEL_CATALOG) {
      expect(e.licence.name).not.toBe('');
      expect(e.expectedVramMiB).toBeGreaterThan(0);
      if (e.bundledDir !== undefined) {
        expect(e.files).toEqual([]);
        continue;
      }
      expect(e.files.length).toBeGreaterThan(0);
      for (const f of e.files) {
        expect(f.url).toMatch(/^https:\/\/huggingface\.co\/.+\/resolve\/[^/]+\//);
        expect(f.url.endsWith(`/${f.name}`)).toBe(true);
        if (f.sha256 !== null) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        // A file is either fully published (size and checksum) or marked unverified: never silently partial.
        if (f.unverified !== true) {
          expect(f.sha256).not.toBeNull();
          expect(f.bytes).not.toBeNull();
        }
      }
    }
  });

  it('has Parakeet TDT 0.6B v2 in int8 and fp32, pinned to one revision, with the onnx-asr file names', () => {
    const int8 = catalogEntry('parakeet-tdt-0.6b-v2-int8');
    const fp32 = catalogEntry('parakeet-tdt-0.6b-v2-fp32');
    expect(int8.files.map((f) => f.name)).toEqual([
      'config.json',
      'vocab.txt',
      'encoder-model.int8.onnx',
      'decoder_joint-model.int8.onnx',
    ]);
    expect(fp32.files.map((f) => f.name)).toEqual([
      'config.json',
      'vocab.txt',
      'encoder-model.onnx',
      'encoder-model.onnx.data',
      'decoder_joint-model.onnx',
    ]);
    for (const f of [...int8.files, ...fp32.files]) {
      expect(f.url).toContain('/resolve/0bbb45a3365852604aef28b538a8f066f4ccaa85/');
      expect(f.unverified).toBeUndefined();
    }
    expect(downloadBytes(int8)).toBe(661_191_781);
    expect(downloadBytes(fp32)).toBe(2_512_992_566);
    expect(int8.family).toBe('nemo-tdt');
    expect(int8.licence.name).toBe('CC-BY-4.0');
  });

  it("the published config.json's checksum is that of onnx-asr's TDT config, which the loader reads", () => {
    const text = JSON.stringify(
      { model_type: 'nemo-conformer-tdt', features_size: 128, subsampling_factor: 8 },
      null,
      4,
    );
    const published = catalogEntry('parakeet-tdt-0.6b-v2-fp32').files[0];
    expect(published?.name).toBe('config.json');
    expect(Buffer.byteLength(text)).toBe(published?.bytes);
    expect(createHash('sha256').update(text).digest('hex')).toBe(published?.sha256);
    const c = parseModelConfig(text, null);
    expect([c.family, c.features.nMels, c.subsampling]).toEqual(['nemo-tdt', 128, 8]);
  });

  it('marks what it could not confirm, and ships the tiny CTC model instead of downloading it', () => {
    const ctc = catalogEntry('parakeet-ctc-0.6b');
    expect(ctc.files.every((f) => f.unverified === true)).toBe(true);
    expect(downloadBytes(ctc)).toBeNull();
    expect(catalogEntry('tiny-ctc').bundledDir).toBe('test/fixtures/models/tiny-ctc');
    expect(() => catalogEntry('nope')).toThrow('no model "nope" in the catalog');
  });
});
