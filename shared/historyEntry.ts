import { z } from 'zod';

/**
 * One transcript in the history: what the engine's store writes as one line of history/transcripts.jsonl
 * (and validates each line against when it reads it back) and what `history.list` answers with. One schema,
 * so the file, the contract and the UI cannot drift apart.
 */
export const historyEntrySchema = z.object({
  id: z.string().min(1),
  /** When the utterance ended (epoch ms). */
  atMs: z.number(),
  text: z.string(),
  device: z.enum(['gpu', 'cpu']),
  /** Execution provider that ran the recognizer (cpu, webgpu, cuda, …). */
  ep: z.string(),
  /** From end of speech to text. */
  latencyMs: z.number().nonnegative(),
  /** Length of the utterance's audio. */
  durationMs: z.number().nonnegative(),
  /** Where the audio came from: "microphone", "file", "cli", … */
  source: z.string(),
  /** The speech model that produced it (its id, e.g. tiny-ctc); absent in entries written before it was kept. */
  model: z.string().min(1).max(200).optional(),
});

export type HistoryEntry = z.infer<typeof historyEntrySchema>;
