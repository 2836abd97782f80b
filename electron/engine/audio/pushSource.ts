/**
 * An AudioSource fed by pushes: frames that arrive over the engine contract (the renderer's AudioWorklet
 * sends 16 kHz mono frames of 128 samples).
 *
 * Buffering policy when the consumer is slower than the producer: frames queue up to `maxBufferedMs`
 * (default 20 s: a model move or a long GC must not lose speech). Audio is never dropped silently: the push
 * that would pass the limit throws a PushSourceOverflowError, and the consumer, after reading the frames
 * already queued, gets the same error, so both sides know the stream has a hole and stopped.
 */

import { SAMPLE_RATE, type AudioSource } from './audioTypes';

export class PushSourceOverflowError extends Error {
  override name = 'PushSourceOverflowError';
}

export interface PushSourceOptions {
  /** Most audio queued for a slow consumer before the stream fails (default 20 000 ms). */
  maxBufferedMs?: number;
}

export interface PushSource {
  /** The consumer's side: iterate once. Each chunk is everything queued since the last one. */
  source: AudioSource;
  /** Queues a frame (copied: AudioWorklet buffers are reused). Throws after end(), fail(), overflow, or when the consumer stopped. */
  push(frame: Float32Array): void;
  /** The stream ended normally: the consumer reads what is queued, then its iteration ends. */
  end(): void;
  /** The stream ended with an error: the consumer reads what is queued, then gets the error. */
  fail(error: Error): void;
  /** Audio queued and not yet read, in ms. */
  readonly bufferedMs: number;
  /** No more pushes are accepted. */
  readonly closed: boolean;
}

export function createPushSource(opts: PushSourceOptions = {}): PushSource {
  const maxBufferedMs = opts.maxBufferedMs ?? 20_000;
  if (!(maxBufferedMs > 0) || !Number.isFinite(maxBufferedMs)) {
    throw new RangeError(`createPushSource: maxBufferedMs must be a positive number, got ${maxBufferedMs}`);
  }
  const maxSamples = Math.round((maxBufferedMs * SAMPLE_RATE) / 1000);

  let queue: Float32Array[] = [];
  let queued = 0;
  /** Why pushes are refused (null while open). */
  let closedReason: string | null = null;
  /** Delivered to the consumer once the queue is drained (null: end normally). */
  let failure: Error | null = null;
  let iterated = false;
  let wake: (() => void) | null = null;

  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const close = (reason: string): void => {
    if (closedReason === null) closedReason = reason;
    notify();
  };

  const source: AudioSource = {
    [Symbol.asyncIterator](): AsyncIterator<Float32Array> {
      if (iterated) throw new Error('push source: the source can be iterated only once');
      iterated = true;
      return {
        async next(): Promise<IteratorResult<Float32Array>> {
          while (queue.length === 0 && closedReason === null) {
            await new Promise<void>((resolve) => (wake = resolve));
          }
          if (queue.length > 0) {
            const chunk = takeAll();
            return { value: chunk, done: false };
          }
          if (failure) throw failure;
          return { value: undefined, done: true };
        },
        // The consumer stopped early (break, or an error downstream): refuse further pushes.
        return(): Promise<IteratorResult<Float32Array>> {
          close('the consumer stopped reading');
          queue = [];
          queued = 0;
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };

  function takeAll(): Float32Array {
    const out = queue.length === 1 ? (queue[0] as Float32Array) : new Float32Array(queued);
    if (queue.length > 1) {
      let offset = 0;
      for (const f of queue) {
        out.set(f, offset);
        offset += f.length;
      }
    }
    queue = [];
    queued = 0;
    return out;
  }

  return {
    source,
    push(frame: Float32Array): void {
      if (closedReason !== null) throw new Error(`push source: closed (${closedReason})`);
      if (frame.length === 0) return;
      if (queued + frame.length > maxSamples) {
        const error = new PushSourceOverflowError(
          `audio input overflow: the consumer fell more than ${maxBufferedMs} ms behind; the stream stopped`,
        );
        failure = error;
        close('overflow');
        throw error;
      }
      queue.push(frame.slice());
      queued += frame.length;
      notify();
    },
    end(): void {
      close('ended');
    },
    fail(error: Error): void {
      if (closedReason === null) failure = error;
      close('failed');
    },
    get bufferedMs(): number {
      return (queued * 1000) / SAMPLE_RATE;
    },
    get closed(): boolean {
      return closedReason !== null;
    },
  };
}
