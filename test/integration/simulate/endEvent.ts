// The last line `simulate --json` prints: the final status and what became of the requests.
import { z } from 'zod';
import { engineStatusSchema } from '../../../shared/engineEvents';

export const endSchema = z.object({
  type: z.literal('end'),
  tMs: z.number(),
  status: engineStatusSchema,
  requests: z.object({ served: z.number(), retriedOnCpu: z.number(), lost: z.number() }),
});
