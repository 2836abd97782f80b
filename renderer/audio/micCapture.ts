// The worklet is bundled as its own file (a URL from 'self'): importing it here would run it on this thread.
import { CAPTURE_PROCESSOR } from './captureName';
import workletUrl from './captureWorklet.ts?worker&url';
import { MicUnavailable } from './micErrors';
import { LinearResampler } from './resampleLinear';

export const ENGINE_SAMPLE_RATE = 16_000;

/** The raw voice: the engine's VAD and recognizer expect it unprocessed, as the models were trained. */
const CONSTRAINTS: MediaStreamConstraints = {
  audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  video: false,
};

export interface MicCapture {
  /** The context's rate; frames handed to `onFrame` are always 16 kHz. */
  readonly contextRate: number;
  stop(): Promise<void>;
}

/** Microphone → AudioContext (16 kHz) → capture worklet → `onFrame` with 16 kHz mono frames. */
export async function startMicCapture(onFrame: (frame: Float32Array) => void): Promise<MicCapture> {
  const media = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  // getUserMedia is absent outside a secure context (and in some locked-down windows).
  if (typeof media?.getUserMedia !== 'function') {
    throw new MicUnavailable('Microphone capture is not available in this window.');
  }
  const stream = await media.getUserMedia(CONSTRAINTS);
  let ctx: AudioContext;
  try {
    ctx = new AudioContext({ sampleRate: ENGINE_SAMPLE_RATE });
  } catch {
    // Some browsers only run the device's rate: resample here instead.
    ctx = new AudioContext();
  }
  try {
    await ctx.audioWorklet.addModule(workletUrl);
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    const resampler = ctx.sampleRate === ENGINE_SAMPLE_RATE ? null : new LinearResampler(ctx.sampleRate);
    node.port.onmessage = (ev: MessageEvent<Float32Array>) => {
      onFrame(resampler ? resampler.process(ev.data) : ev.data);
    };
    source.connect(node);
    // A node that reaches no destination may never be processed; its output is silence.
    node.connect(ctx.destination);
    await ctx.resume();
    return {
      contextRate: ctx.sampleRate,
      stop: async () => {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await ctx.close();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    void ctx.close();
    throw error;
  }
}
