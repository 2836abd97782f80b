import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG } from '../../../electron/engine/audio/features';
import { defaultModelConfig, parseModelConfig } from '../../../electron/engine/stt/modelConfig';

describe('parseModelConfig', () => {
  it("reads onnx-asr's published Parakeet TDT config.json (97 bytes, indent 4)", () => {
    const published = JSON.stringify(
      { model_type: 'nemo-conformer-tdt', features_size: 128, subsampling_factor: 8 },
      null,
      4,
    );
    expect(Buffer.byteLength(published)).toBe(97);
    const c = parseModelConfig(published, null);
    expect(c.family).toBe('nemo-tdt');
    expect(c.features).toEqual({ ...DEFAULT_FEATURE_CONFIG, nMels: 128 });
    expect(c.subsampling).toBe(8);
    expect(c.maxSymbolsPerStep).toBe(10);
    expect(c.durations).toEqual([0, 1, 2, 3, 4]);
    expect([c.predLayers, c.predHidden]).toEqual([2, 640]);
    expect(c.blankId).toBeNull();
  });

  it("reads the project's dialect: family and a preprocessor block", () => {
    const c = parseModelConfig(
      JSON.stringify({
        family: 'nemo-ctc',
        preprocessor: {
          sampleRate: 16000,
          nFft: 512,
          winLength: 400,
          hop: 160,
          nMels: 80,
          preemph: 0.97,
          logGuard: 2 ** -24,
          normalize: 'per_feature',
          subsampling: 4,
          blankId: 44,
        },
        extra: 'ignored',
      }),
      null,
    );
    expect(c.family).toBe('nemo-ctc');
    expect(c.features.nMels).toBe(80);
    expect(c.subsampling).toBe(4);
    expect(c.blankId).toBe(44);
  });

  it("reads the tiny-ctc exporter's flat keys", () => {
    const c = parseModelConfig(
      JSON.stringify({
        sampleRate: 16000,
        nFft: 512,
        winLength: 400,
        hop: 160,
        nMels: 80,
        preemph: 0.97,
        logGuard: 5.960464477539063e-8,
        normalize: 'per_feature',
        subsampling: 4,
        blankId: 44,
        family: 'nemo-ctc',
      }),
      null,
    );
    expect(c).toMatchObject({ family: 'nemo-ctc', subsampling: 4, blankId: 44 });
    expect(c.features).toEqual({ ...DEFAULT_FEATURE_CONFIG, logGuard: 5.960464477539063e-8 });
    expect(parseModelConfig('{"hop": 80, "preprocessor": {"hop": 320}}', 'nemo-ctc').features.hop).toBe(320);
  });

  it('takes the family from the files when the config names none', () => {
    expect(parseModelConfig('{"features_size": 80}', 'nemo-ctc').family).toBe('nemo-ctc');
    expect(() => parseModelConfig('{}', null, '/m/config.json')).toThrow(
      '/m/config.json names no model family',
    );
  });

  it('names the file and the problem', () => {
    expect(() => parseModelConfig('{', null, '/m/config.json')).toThrow('/m/config.json is not valid JSON');
    expect(() => parseModelConfig('{"features_size": -1}', 'nemo-ctc', 'c.json')).toThrow(
      'c.json is invalid at features_size',
    );
    expect(() => parseModelConfig('{"model_type": "whisper-ort"}', null, 'c.json')).toThrow(
      'model_type "whisper-ort" is not supported',
    );
  });

  it("defaults are onnx-asr's (80 mel bins, subsampling 8)", () => {
    const c = defaultModelConfig('nemo-ctc');
    expect(c.features.nMels).toBe(80);
    expect(c.subsampling).toBe(8);
  });
});
