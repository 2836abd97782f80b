import type { RunResult } from '../models/modelHost';
import type { Feeds, ModelSpec } from '../models/session';

/**
 * Runs a model by id wherever it is placed now (ModelHost.run): the recognizer never holds
 * sessions itself, so the memory manager can move them between utterances.
 */
export type ModelRunner = (modelId: string, feeds: Feeds) => Promise<RunResult>;

export interface RecognitionResult {
  text: string;
  /** Where the (last) model run happened, and whether a GPU error sent it to the CPU. */
  device: 'gpu' | 'cpu';
  ep: string;
  retriedOnCpu: boolean;
}

/** A speech-to-text family (NeMo CTC, NeMo TDT, …) bound to one installed model. */
export interface Recognizer {
  readonly family: string;
  /** The ONNX sessions it needs, registered with ModelHost by the caller. */
  readonly models: ModelSpec[];
  /** 16 kHz mono audio → text. */
  recognize(audio: Float32Array, run: ModelRunner): Promise<RecognitionResult>;
}
