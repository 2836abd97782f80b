import { z } from 'zod';

/**
 * The user's settings: one schema gives the defaults, the validation and the messages.
 * Messages name the field in words a user reads in the settings window and on the CLI.
 */
export const LEVEL_THRESHOLD_NAMES = ['restore', 'warning', 'critical', 'emergency'] as const;
export type ThresholdName = (typeof LEVEL_THRESHOLD_NAMES)[number];

const fraction = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .gt(0, { error: `${label} must be above 0` })
    .lt(1, { error: `${label} must be below 1` });

export const thresholdsSchema = z
  .strictObject(
    {
      warning: fraction('warning threshold').default(0.8),
      critical: fraction('critical threshold').default(0.9),
      emergency: fraction('emergency threshold').default(0.95),
      restore: fraction('restore threshold').default(0.6),
    },
    { error: unknownOr('thresholds must be an object of fractions') },
  )
  .superRefine((t, ctx) => {
    for (let i = 0; i + 1 < LEVEL_THRESHOLD_NAMES.length; i++) {
      const lower = LEVEL_THRESHOLD_NAMES[i] as ThresholdName;
      const upper = LEVEL_THRESHOLD_NAMES[i + 1] as ThresholdName;
      if (!(t[lower] < t[upper])) {
        ctx.addIssue({
          code: 'custom',
          path: [lower],
          message: `${lower} threshold ${fmt(t[lower])} must be below ${upper} ${fmt(t[upper])}`,
        });
      }
    }
  });

/** 0.9 → "0.90", 0.955 → "0.955": thresholds read like the settings window shows them. */
function fmt(n: number): string {
  const decimals = (String(n).split('.')[1] ?? '').length;
  return n.toFixed(Math.min(4, Math.max(2, decimals)));
}

const ms = (label: string, min: number, max: number, def: number) =>
  z
    .number({ error: `${label} must be a number of milliseconds` })
    .int({ error: `${label} must be a whole number of milliseconds` })
    .min(min, { error: `${label} must be at least ${min} ms` })
    .max(max, { error: `${label} must be at most ${max} ms` })
    .default(def);

/**
 * Sample faster than `intervalMs` (the calm interval) when usage is near a threshold or rising towards one, and
 * slow back down when it is calm: quick detection where it matters at near the calm cost.
 */
export const adaptiveSamplingSchema = z.strictObject(
  {
    enabled: z.boolean({ error: 'adaptive sampling must be true or false' }).default(true),
    fastestMs: ms('fastest sampling interval', 20, 60_000, 250),
    /** Usage within this fraction of a threshold counts as near it. */
    nearMargin: z
      .number({ error: 'adaptive sampling margin must be a number' })
      .min(0, { error: 'adaptive sampling margin must be at least 0' })
      .max(0.2, { error: 'adaptive sampling margin must be at most 0.2' })
      .default(0.03),
  },
  { error: unknownOr('adaptive sampling must be an object') },
);
export type AdaptiveSamplingSettings = z.infer<typeof adaptiveSamplingSchema>;

/** The `memory.gpu` value that watches every GPU. */
export const GPU_AUTO = 'auto';

/** The GPU the user pinned (an index or a UUID), or null for every GPU ("auto"). */
export function pinnedGpu(setting: string): string | null {
  return setting === GPU_AUTO || setting.trim() === '' ? null : setting;
}

export const memorySettingsSchema = z.strictObject(
  {
    thresholds: thresholdsSchema.default({ warning: 0.8, critical: 0.9, emergency: 0.95, restore: 0.6 }),
    /** Usage must fall this far below a threshold before the level drops (hysteresis). */
    hysteresis: z
      .number({ error: 'hysteresis must be a number' })
      .min(0, { error: 'hysteresis must be at least 0' })
      .max(0.2, { error: 'hysteresis must be at most 0.2' })
      .default(0.02),
    intervalMs: ms('sampling interval', 20, 60_000, 2000),
    recoveryDwellMs: ms('recovery dwell', 0, 600_000, 10_000),
    cooldownMs: ms('action cooldown', 0, 600_000, 30_000),
    reportIntervalMs: ms('status report interval', 1000, 86_400_000, 300_000),
    gpuErrorLimit: z
      .number({ error: 'GPU error limit must be a number' })
      .int({ error: 'GPU error limit must be a whole number' })
      .min(1, { error: 'GPU error limit must be at least 1' })
      .max(100, { error: 'GPU error limit must be at most 100' })
      .default(3),
    /** A GPU error counts towards `gpuErrorLimit` only this long: strikes hours apart are not a failing GPU. */
    gpuErrorWindowMs: ms('GPU error window', 1000, 86_400_000, 600_000),
    /** EMERGENCY needs a second reading at least this long after the first, so a short spike is over by then. */
    emergencyConfirmMs: ms('EMERGENCY confirmation delay', 20, 5000, 100),
    /** Free VRAM that must remain after a GPU load (admission control). */
    headroomMiB: z
      .number({ error: 'GPU headroom must be a number' })
      .min(0, { error: 'GPU headroom must be at least 0 MiB' })
      .max(1_048_576, { error: 'GPU headroom must be at most 1048576 MiB (1 TiB)' })
      .default(256),
    /**
     * Which GPUs to watch and use: "auto" (every GPU; models go where there is most room) or one pinned by its
     * index ("0") or UUID. The empty string of older settings files means "auto".
     */
    gpu: z
      .string({ error: 'GPU must be "auto", an index or a UUID' })
      .max(128, { error: 'GPU must be "auto", an index or a UUID (at most 128 characters)' })
      .default(GPU_AUTO)
      .transform((v) => (v.trim() === '' ? GPU_AUTO : v)),
    devicePreference: z
      .enum(['auto', 'gpu', 'cpu'], { error: 'device preference must be auto, gpu or cpu' })
      .default('auto'),
    adaptiveSampling: adaptiveSamplingSchema.default(() => adaptiveSamplingSchema.parse({})),
    /** After this long without dictation, GPU models move to their CPU copy and give the VRAM back (0: never). */
    idleReleaseMinutes: z
      .number({ error: 'idle release must be a number of minutes' })
      .int({ error: 'idle release must be a whole number of minutes' })
      .min(0, { error: 'idle release must be at least 0 minutes (0 = never)' })
      .max(1440, { error: 'idle release must be at most 1440 minutes' })
      .default(10),
    /** Build a model's CPU copy early when the usage trend says EMERGENCY will come sooner than that build. */
    predictivePrewarm: z.boolean({ error: 'predictive pre-warm must be true or false' }).default(true),
    /** Idle release unloads GPU models entirely instead of moving them to their CPU copy (frees RAM too). */
    idleUnload: z.boolean({ error: 'idle unload must be true or false' }).default(false),
  },
  { error: unknownOr('memory settings must be an object') },
);

const speechFields = z.strictObject(
  {
    /** An installed model id or a folder; empty: the first installed model, else the bundled tiny model. */
    model: z
      .string({ error: 'model must be a model id or a folder' })
      .max(4096, { error: 'model must be a model id or a folder (at most 4096 characters)' })
      .default(''),
    outputMode: z
      .enum(['type', 'clipboard', 'none'], { error: 'output mode must be type, clipboard or none' })
      .default('type'),
    /** Put the previous clipboard back after a paste (only after the paste completed). */
    restoreClipboard: z.boolean({ error: 'restore clipboard must be true or false' }).default(false),
    preRollMs: ms('pre-roll', 200, 2000, 400),
    /** Audio kept after the VAD's end of speech, so a word's fading end is not cut (≤ the silence). */
    postRollMs: ms('post-roll', 0, 2000, 200),
    silenceMs: ms('end-of-speech silence', 100, 5000, 600),
    maxUtteranceMs: ms('maximum utterance length', 2000, 120_000, 30_000),
    hotkey: z
      .string({ error: 'hotkey must be text like CommandOrControl+Shift+D' })
      .max(100, { error: 'hotkey must be at most 100 characters' })
      .default('CommandOrControl+Shift+D'),
  },
  { error: unknownOr('speech settings must be an object') },
);

export const speechSettingsSchema = speechFields.superRefine((speech, ctx) => {
  // Speech ends after `silenceMs` of silence, so a longer post-roll would reach audio not heard yet.
  if (speech.postRollMs > speech.silenceMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['postRollMs'],
      message: `post-roll ${speech.postRollMs} ms must be at most the end-of-speech silence ${speech.silenceMs} ms`,
    });
  }
});

/** How the tray app behaves (main process only; the engine ignores this block). */
export const appSettingsSchema = z.strictObject(
  {
    /** A left click on the tray icon: start/stop dictation (default), or open the window. */
    trayClick: z
      .enum(['dictate', 'window'], { error: 'tray click must be dictate or window' })
      .default('dictate'),
    launchAtLogin: z.boolean({ error: 'launch at login must be true or false' }).default(false),
  },
  { error: unknownOr('app settings must be an object') },
);

export const settingsSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'settings version must be 1' }).default(1),
    memory: memorySettingsSchema.default(() => memorySettingsSchema.parse({})),
    speech: speechSettingsSchema.default(() => speechSettingsSchema.parse({})),
    app: appSettingsSchema.default(() => appSettingsSchema.parse({})),
  },
  { error: unknownOr('settings must be an object') },
);

/** Strict objects: an unknown key is named ("unknown setting intervalMS"), a wrong type gets `message`. */
function unknownOr(message: string) {
  return (issue: { code: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' ? `unknown setting ${(issue.keys ?? []).join(', ')}` : message;
}

export type Thresholds = z.infer<typeof thresholdsSchema>;
export type MemorySettings = z.infer<typeof memorySettingsSchema>;
export type SpeechSettings = z.infer<typeof speechSettingsSchema>;
export type AppSettings = z.infer<typeof appSettingsSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

/** Validate untrusted settings; every error message names its field. */
export function validateSettings(input: unknown): SettingsResult {
  const result = settingsSchema.safeParse(input);
  if (result.success) return { ok: true, settings: result.data };
  return { ok: false, errors: result.error.issues.map((i) => i.message) };
}

/** Validate a memory-settings block alone (scenarios and the CLI give only this part). */
export function validateMemorySettings(
  input: unknown,
): { ok: true; settings: MemorySettings } | { ok: false; errors: string[] } {
  const result = memorySettingsSchema.safeParse(input);
  if (result.success) return { ok: true, settings: result.data };
  return { ok: false, errors: result.error.issues.map((i) => i.message) };
}
