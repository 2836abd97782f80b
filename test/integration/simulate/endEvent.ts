// The last line `simulate --json` prints (the final status and what became of the requests), and the one way the
// simulate tests read a run's output.
import { expect } from 'vitest';
import { z } from 'zod';
import { engineEventSchema, engineStatusSchema, type EngineEvent } from '../../../shared/engineEvents';
import type { CliRun } from '../cli/runCli';

export const endSchema = z.object({
  type: z.literal('end'),
  tMs: z.number(),
  status: engineStatusSchema,
  requests: z.object({ served: z.number(), retriedOnCpu: z.number(), lost: z.number() }),
});

export type End = z.infer<typeof endSchema>;
export type Timed = EngineEvent & { tMs: number };
export type Of<T extends Timed['type']> = Extract<Timed, { type: T }>;

export interface Output {
  events: Timed[];
  end: End;
}

/** Every stdout line must be one JSON event the engine's own schema accepts; the last is `end`. */
export function parse(run: CliRun): Output {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split('\n');
  const last = lines.pop();
  if (last === undefined) throw new Error('no output');
  const events = lines.map((line, i) => {
    const raw = JSON.parse(line) as unknown;
    const parsed = engineEventSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`line ${i + 1} is not an engine event: ${line}`);
    const tMs = z.object({ tMs: z.number() }).parse(raw).tMs;
    return { ...parsed.data, tMs };
  });
  return { events, end: endSchema.parse(JSON.parse(last)) };
}

export function of<T extends Timed['type']>(out: Output, type: T): Of<T>[] {
  return out.events.filter((e): e is Of<T> => e.type === type);
}
