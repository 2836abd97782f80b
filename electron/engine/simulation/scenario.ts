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

/** Simulated time is bounded: a week runs in about 10 s; far more is a typo, not a scenario. */
export const MAX_SIMULATED_MS = 7 * 24 * 3600 * 1000;
const WEEK = `7 days (${MAX_SIMULATED_MS} ms) of simulated time`;

/** The most GPUs a scenario may simulate. */
export const MAX_SIMULATED_GPUS = 16;

const gpuSchema = z.strictObject({
  name: z.string().default('Simulated GPU'),
  totalMiB: z.number().positive({ error: 'gpu totalMiB must be above 0' }),
  reservedMiB: z.number().min(0).default(0),
});
export type ScenarioGpu = z.infer<typeof gpuSchema>;

const stepSchema = z.strictObject({
  atMs: z
    .number({ error: 'step atMs must be a number of milliseconds' })
    .min(0, { error: 'step atMs must be 0 or more' })
    .max(MAX_SIMULATED_MS, { error: `step atMs must be at most ${WEEK}` }),
  externalMiB: z.number().min(0, { error: 'step externalMiB must be 0 or more' }).optional(),
  gpuError: z.string().min(1).optional(),
  command: z
    .enum(['restore', 'offload', 'switch'], {
      error: 'step command must be "restore", "offload" or "switch"',
    })
    .optional(),
  /** true: the next 3 readings fail (a driver hiccup); a number: that many; false: readings work again. */
  probeFailure: z.union([z.boolean(), z.number().int().min(0)]).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Which GPU (its index) the step's externalMiB, gpuError and probeFailure apply to. */
  gpu: z
    .number({ error: 'step gpu must be a GPU index' })
    .int({ error: 'step gpu must be a whole number' })
    .min(0, { error: 'step gpu must be 0 or more' })
    .default(0),
});

const DEFAULT_GPU: ScenarioGpu = { name: 'Simulated 8 GB', totalMiB: 8000, reservedMiB: 300 };

export const scenarioSchema = z.strictObject({
  /** One GPU (the original form); `gpus` lists several. Give one or the other. */
  gpu: gpuSchema.optional(),
  gpus: z
    .array(gpuSchema)
    .min(1, { error: 'gpus must list at least one GPU' })
    .max(MAX_SIMULATED_GPUS, { error: `gpus must list at most ${MAX_SIMULATED_GPUS} GPUs` })
    .optional(),
  settings: z.record(z.string(), z.unknown()).default({}),
  models: z.array(modelSchema).default([
    { id: 'vad', role: 'vad', sizeMiB: 2, prefer: 'cpu' },
    { id: 'stt', role: 'stt', sizeMiB: 1500, prefer: 'gpu' },
  ]),
  steps: z.array(stepSchema).default([]),
  /** One request to each GPU model this often (default: the sampling interval): how much dictation there is. */
  requestEveryMs: z
    .number({ error: 'requestEveryMs must be a number of milliseconds' })
    .int({ error: 'requestEveryMs must be a whole number of milliseconds' })
    .min(10, { error: 'requestEveryMs must be at least 10 ms' })
    .max(MAX_SIMULATED_MS, { error: `requestEveryMs must be at most ${WEEK}` })
    .optional(),
  durationMs: z
    .number({ error: 'durationMs must be a number of milliseconds' })
    .positive({ error: 'durationMs must be above 0' })
    .max(MAX_SIMULATED_MS, { error: `durationMs must be at most ${WEEK}` })
    .optional(),
});

export type ScenarioModel = z.infer<typeof modelSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;

export interface Scenario {
  /** Every simulated GPU; GPU n is `gpus[n]`. */
  gpus: ScenarioGpu[];
  settings: MemorySettings;
  models: ScenarioModel[];
  steps: ScenarioStep[];
  requestEveryMs: number;
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
  const { steps, gpu, gpus } = parsed.data;
  if (gpu && gpus) return { ok: false, error: 'scenario: give "gpu" (one GPU) or "gpus" (a list), not both' };
  const simulated = gpus ?? [gpu ?? DEFAULT_GPU];
  const stranger = steps.findIndex((step) => step.gpu >= simulated.length);
  if (stranger >= 0)
    return {
      ok: false,
      error: `steps.${stranger}.gpu: there is no GPU ${steps[stranger]?.gpu} (the scenario has ${simulated.length})`,
    };
  const stepError = checkStepSettings(settings.data, steps);
  if (stepError !== null) return { ok: false, error: stepError };
  const lastStep = steps.reduce((max, s) => Math.max(max, s.atMs), 0);
  const ids = parsed.data.models.map((m) => m.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) return { ok: false, error: `models: duplicate id "${duplicate}"` };
  return {
    ok: true,
    scenario: {
      gpus: simulated,
      settings: settings.data,
      models: parsed.data.models,
      steps: [...steps].sort((a, b) => a.atMs - b.atMs),
      requestEveryMs: parsed.data.requestEveryMs ?? settings.data.intervalMs,
      durationMs: parsed.data.durationMs ?? lastStep + 5000,
    },
  };
}

/**
 * Steps change settings in time order, each on top of the ones before (as the rig applies them), so a
 * step is checked against the settings in force when it runs. The error names the step as written.
 */
function checkStepSettings(initial: MemorySettings, steps: readonly ScenarioStep[]): string | null {
  let current = initial;
  const ordered = steps.map((step, i) => ({ step, i })).sort((a, b) => a.step.atMs - b.step.atMs);
  for (const { step, i } of ordered) {
    if (!step.settings) continue;
    const patched = memorySettingsSchema.safeParse(mergeSettings(current, step.settings));
    if (!patched.success)
      return `steps.${i}.settings: ${patched.error.issues.map((x) => x.message).join('; ')}`;
    current = patched.data;
  }
  return null;
}

/**
 * A step's settings on top of the current ones. `thresholds` merges one level deeper: a step that
 * names only `emergency` keeps the current warning, critical and restore, not the defaults.
 */
export function mergeSettings(
  current: MemorySettings,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  const thresholds = patch['thresholds'];
  if (isPlainObject(thresholds)) merged['thresholds'] = { ...current.thresholds, ...thresholds };
  return merged;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid scenario';
  const where = issue.path.length ? issue.path.join('.') : 'scenario';
  return `${where}: ${issue.message}`;
}
