import { z } from 'zod';
import { memorySettingsSchema, type MemorySettings } from '../../../shared/settings';

const shapeSchema = z.array(
  z
    .number()
    .int({ error: 'inputShape sizes must be whole numbers' })
    .min(1, { error: 'inputShape sizes must be 1 or more' }),
);

/** A pressure scenario for the simulated GPU (`swictation simulate`). Unknown fields are errors: typos fail loudly. */
const modelSchema = z.strictObject({
  id: z.string().min(1, { error: 'model id must not be empty' }),
  role: z.string().min(1, { error: 'model role must not be empty' }),
  sizeMiB: z.number().positive({ error: 'model sizeMiB must be above 0' }),
  prefer: z.enum(['gpu', 'cpu'], { error: 'model prefer must be "gpu" or "cpu"' }).default('gpu'),
  path: z.string().min(1, { error: 'model path must not be empty' }).optional(),
  /** Sizes for the dynamic dimensions of a `path` model's inputs: one shape, or one per input name. */
  inputShape: z.union([shapeSchema, z.record(z.string(), shapeSchema)]).optional(),
});

const stepSchema = z.strictObject({
  atMs: z.number().min(0, { error: 'step atMs must be 0 or more' }),
  externalMiB: z.number().min(0, { error: 'step externalMiB must be 0 or more' }).optional(),
  gpuError: z.string().min(1).optional(),
  command: z
    .enum(['restore', 'offload'], { error: 'step command must be "restore" or "offload"' })
    .optional(),
  /** true: the next 3 readings fail (a driver hiccup); a number: that many; false: readings work again. */
  probeFailure: z.union([z.boolean(), z.number().int().min(0)]).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

export const scenarioSchema = z.strictObject({
  gpu: z
    .strictObject({
      name: z.string().default('Simulated GPU'),
      totalMiB: z.number().positive({ error: 'gpu totalMiB must be above 0' }),
      reservedMiB: z.number().min(0).default(0),
    })
    .default({ name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 }),
  settings: z.record(z.string(), z.unknown()).default({}),
  models: z.array(modelSchema).default([
    { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' },
    { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' },
  ]),
  steps: z.array(stepSchema).default([]),
  durationMs: z.number().positive().optional(),
});

export type ScenarioModel = z.infer<typeof modelSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;

export interface Scenario {
  gpu: { name: string; totalMiB: number; reservedMiB: number };
  settings: MemorySettings;
  models: ScenarioModel[];
  steps: ScenarioStep[];
  durationMs: number;
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; error: string };

/** Parse and validate; the error is one line naming the field. */
export function parseScenario(input: unknown): ScenarioResult {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: describe(parsed.error.issues[0]) };
  const settings = memorySettingsSchema.safeParse(parsed.data.settings);
  if (!settings.success)
    return { ok: false, error: `settings: ${settings.error.issues.map((i) => i.message).join('; ')}` };
  const { steps } = parsed.data;
  for (const [i, step] of steps.entries()) {
    if (!step.settings) continue;
    const patched = memorySettingsSchema.safeParse({ ...settings.data, ...step.settings });
    if (!patched.success) {
      return {
        ok: false,
        error: `steps.${i}.settings: ${patched.error.issues.map((x) => x.message).join('; ')}`,
      };
    }
  }
  const lastStep = steps.reduce((max, s) => Math.max(max, s.atMs), 0);
  const ids = parsed.data.models.map((m) => m.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) return { ok: false, error: `models: duplicate id "${duplicate}"` };
  return {
    ok: true,
    scenario: {
      gpu: parsed.data.gpu,
      settings: settings.data,
      models: parsed.data.models,
      steps: [...steps].sort((a, b) => a.atMs - b.atMs),
      durationMs: parsed.data.durationMs ?? lastStep + 5000,
    },
  };
}

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid scenario';
  const where = issue.path.length ? issue.path.join('.') : 'scenario';
  return `${where}: ${issue.message}`;
}
