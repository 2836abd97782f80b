/** The quietest level the meter shows, in dBFS: room noise sits near it, speech well above. */
const FLOOR_DB = -60;

/**
 * How loud a batch of samples is, 0 (at or below -60 dBFS) to 1 (full scale), on a decibel scale so that
 * ordinary speech (-30 to -10 dBFS) fills most of the meter rather than a sliver of it. Shared: the window
 * that captures meters its own microphone, the engine meters the audio it dictates from (the `input` event).
 */
export function inputLevel(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return levelOfRms(Math.sqrt(sum / samples.length));
}

/** The same scale from an RMS amplitude already summed elsewhere (the engine meters across chunks). */
export function levelOfRms(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}
