/**
 * The WebSocket bridge carries JSON text. Audio frames are Float32Arrays, which JSON.stringify would turn
 * into {"0":…,"1":…}; the contract accepts plain number arrays, so they are sent as those.
 */
export function encodeJson(message: unknown): string {
  return JSON.stringify(message, (_key, value: unknown) =>
    value instanceof Float32Array ? Array.from(value) : value,
  );
}

/** Malformed text becomes undefined, which the client's envelope validation counts and drops. */
export function decodeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
