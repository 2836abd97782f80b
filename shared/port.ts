/**
 * The one transport interface. Adapters wrap utilityProcess parentPort, MessagePortMain, DOM
 * MessagePort, child_process IPC, a loopback WebSocket, or an in-memory pair for unit tests.
 */
export interface Port {
  post(message: unknown): void;
  /** Returns the function that stops listening. */
  onMessage(handler: (message: unknown) => void): () => void;
}

/** Two connected in-memory ports (unit tests). Delivery is asynchronous, like every real transport. */
export function memoryPortPair(): [Port, Port] {
  const handlers: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  const make = (mine: 0 | 1): Port => ({
    post: (message) => {
      const copy = structuredClone(message);
      queueMicrotask(() => {
        for (const h of handlers[mine === 0 ? 1 : 0]) h(copy);
      });
    },
    onMessage: (h) => {
      handlers[mine].add(h);
      return () => handlers[mine].delete(h);
    },
  });
  return [make(0), make(1)];
}
