/**
 * Runs on the audio rendering thread (AudioWorkletGlobalScope), loaded from its own file: CSP forbids
 * blob: URLs. It copies each 128-sample render quantum of the first input channel to the page; batching
 * and sending happen there, so this stays allocation-light and never blocks the audio thread.
 */

import { CAPTURE_PROCESSOR } from './captureName';

// The worklet scope's globals: TypeScript's DOM library does not describe them.
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
  abstract process(
    inputs: Float32Array[][],
    outputs: Float32Array[][],
    parameters: Record<string, Float32Array>,
  ): boolean;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

class CaptureProcessor extends AudioWorkletProcessor {
  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel && channel.length > 0) {
      // The engine reuses the input buffer for the next quantum: send a copy, transferring its memory.
      const copy = new Float32Array(channel);
      this.port.postMessage(copy, [copy.buffer]);
    }
    // Keep running while the node is connected; the page disconnects it to stop.
    return true;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
