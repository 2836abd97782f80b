import { settingsSchema, validateSettings, type Settings } from '../../shared/settings';
import { hotkeyProblem } from '../../shared/hotkeyCombination';

/**
 * The settings window edits a draft: the raw text of each changed field over the saved settings. Keeping
 * text (not numbers) lets a user type "0." on the way to "0.85" and lets an empty field say what it needs.
 */
export type FieldKey =
  | 'threshold-restore'
  | 'threshold-warning'
  | 'threshold-critical'
  | 'threshold-emergency'
  | 'interval'
  | 'dwell'
  | 'gpu-error-limit'
  | 'gpu'
  | 'device'
  | 'model'
  | 'output'
  | 'hotkey'
  | 'tray-click'
  | 'launch-at-login'
  | 'idle-release'
  | 'idle-unload'
  | 'hysteresis'
  | 'cooldown'
  | 'headroom'
  | 'gpu-error-window'
  | 'adaptive'
  | 'adaptive-fastest'
  | 'adaptive-margin'
  | 'prewarm';

export interface FieldSpec {
  key: FieldKey;
  /** Where the value lives in Settings. */
  path: readonly string[];
  /** A toggle is a checkbox; its draft text is "true" or "false". */
  kind: 'number' | 'text' | 'choice' | 'toggle';
  label: string;
  hint?: string;
  step?: number;
  min?: number;
  max?: number;
  choices?: readonly { value: string; label: string }[];
  /** Shown and typed in percent, kept as a fraction (the thresholds: 80 on the form is 0.8 in Settings). */
  percent?: boolean;
}

const threshold = (name: 'restore' | 'warning' | 'critical' | 'emergency', hint: string): FieldSpec => ({
  key: `threshold-${name}`,
  path: ['memory', 'thresholds', name],
  kind: 'number',
  label: `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`,
  hint,
  step: 0.5,
  min: 1,
  max: 99,
  percent: true,
});

export const FIELDS: readonly FieldSpec[] = [
  threshold('restore', 'Models return to the GPU when usage stays at or below this.'),
  threshold('warning', 'Light cleanup from this usage.'),
  threshold('critical', 'Aggressive cleanup and a CPU standby from this usage.'),
  threshold('emergency', 'Models move to the CPU from this usage.'),
  {
    key: 'interval',
    path: ['memory', 'intervalMs'],
    kind: 'number',
    label: 'Sampling interval (ms)',
    step: 10,
    min: 20,
    max: 60_000,
  },
  {
    key: 'dwell',
    path: ['memory', 'recoveryDwellMs'],
    kind: 'number',
    label: 'Recovery dwell (ms)',
    hint: 'How long usage must stay lower before the level drops or models return.',
    step: 500,
    min: 0,
    max: 600_000,
  },
  {
    key: 'gpu-error-limit',
    path: ['memory', 'gpuErrorLimit'],
    kind: 'number',
    label: 'GPU error limit',
    hint: 'After this many GPU errors the models stay on the CPU until you press Restore to GPU.',
    step: 1,
    min: 1,
    max: 100,
  },
  {
    key: 'gpu',
    path: ['memory', 'gpu'],
    kind: 'text',
    label: 'GPU',
    hint: 'auto watches every GPU and places models where there is most room; an index such as 0 or a UUID pins one.',
  },
  {
    key: 'device',
    path: ['memory', 'devicePreference'],
    kind: 'choice',
    label: 'Run models on',
    choices: [
      { value: 'auto', label: 'GPU when there is room, else CPU' },
      { value: 'gpu', label: 'GPU' },
      { value: 'cpu', label: 'CPU only' },
    ],
  },
  {
    key: 'model',
    path: ['speech', 'model'],
    kind: 'text',
    label: 'Speech model',
    hint: 'An installed model id or a folder; empty uses the first installed model, else the bundled one.',
  },
  {
    key: 'output',
    path: ['speech', 'outputMode'],
    kind: 'choice',
    label: 'Output',
    choices: [
      { value: 'type', label: 'Type into the focused window' },
      { value: 'clipboard', label: 'Paste through the clipboard' },
      { value: 'none', label: 'Keep in history only' },
    ],
  },
  {
    key: 'hotkey',
    path: ['speech', 'hotkey'],
    kind: 'text',
    label: 'Hotkey',
    hint: 'Press Record, then the keys; a combination needs Ctrl, Alt, Shift or Super.',
  },
  {
    key: 'tray-click',
    path: ['app', 'trayClick'],
    kind: 'choice',
    label: 'Tray click',
    choices: [
      { value: 'dictate', label: 'Dictate' },
      { value: 'window', label: 'Open the window' },
    ],
  },
  {
    key: 'launch-at-login',
    path: ['app', 'launchAtLogin'],
    kind: 'toggle',
    label: 'Launch at login',
  },
  {
    key: 'idle-release',
    path: ['memory', 'idleReleaseMinutes'],
    kind: 'number',
    label: 'Release the GPU after idle (min)',
    hint: 'Minutes without dictation before GPU models give their memory back; 0 never.',
    step: 1,
    min: 0,
    max: 1440,
  },
  {
    key: 'idle-unload',
    path: ['memory', 'idleUnload'],
    kind: 'toggle',
    label: 'Unload models when idle',
    hint: 'Frees RAM too; the first dictation after idle loads the model again.',
  },
  {
    key: 'hysteresis',
    path: ['memory', 'hysteresis'],
    kind: 'number',
    label: 'Hysteresis (% points)',
    hint: 'How far usage must fall below a threshold before the level drops.',
    step: 0.5,
    min: 0,
    max: 20,
    percent: true,
  },
  {
    key: 'cooldown',
    path: ['memory', 'cooldownMs'],
    kind: 'number',
    label: 'Action cooldown (ms)',
    hint: 'The least time between two cleanups or moves.',
    step: 1000,
    min: 0,
    max: 600_000,
  },
  {
    key: 'headroom',
    path: ['memory', 'headroomMiB'],
    kind: 'number',
    label: 'GPU headroom (MiB)',
    hint: 'Free GPU memory that must remain after loading a model there.',
    step: 64,
    min: 0,
    max: 1_048_576,
  },
  {
    key: 'gpu-error-window',
    path: ['memory', 'gpuErrorWindowMs'],
    kind: 'number',
    label: 'GPU error window (ms)',
    hint: 'A GPU error counts towards the limit for this long.',
    step: 1000,
    min: 1000,
    max: 86_400_000,
  },
  {
    key: 'adaptive',
    path: ['memory', 'adaptiveSampling', 'enabled'],
    kind: 'toggle',
    label: 'Adaptive sampling',
    hint: 'Sample faster near a threshold or while usage rises towards one.',
  },
  {
    key: 'adaptive-fastest',
    path: ['memory', 'adaptiveSampling', 'fastestMs'],
    kind: 'number',
    label: 'Fastest sampling interval (ms)',
    step: 10,
    min: 20,
    max: 60_000,
  },
  {
    key: 'adaptive-margin',
    path: ['memory', 'adaptiveSampling', 'nearMargin'],
    kind: 'number',
    label: 'Near a threshold within (% points)',
    step: 0.5,
    min: 0,
    max: 20,
    percent: true,
  },
  {
    key: 'prewarm',
    path: ['memory', 'predictivePrewarm'],
    kind: 'toggle',
    label: 'Predictive pre-warm',
    hint: 'Build a model’s CPU copy early when usage is heading for EMERGENCY.',
  },
];

export type Draft = Partial<Record<FieldKey, string>>;

export interface DraftError {
  message: string;
  /** The field the message is about, when it maps to one on the form. */
  field: FieldKey | null;
}

export type DraftResult = { ok: true; settings: Settings } | { ok: false; errors: DraftError[] };

function fieldSpec(key: FieldKey): FieldSpec {
  const spec = FIELDS.find((f) => f.key === key);
  if (!spec) throw new Error(`no settings field ${key}`);
  return spec;
}

/** The saved value of a field as the form shows it. */
export function savedText(saved: Settings, key: FieldKey): string {
  let node: unknown = saved;
  for (const part of fieldSpec(key).path) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node === 'number' && fieldSpec(key).percent) return String(toPercent(node));
  return typeof node === 'number' || typeof node === 'string' || typeof node === 'boolean'
    ? String(node)
    : '';
}

/** 0.8 → 80, 0.955 → 95.5: no binary-fraction noise (0.07 * 100 is 7.000000000000001). */
export function toPercent(fraction: number): number {
  return Math.round(fraction * 10_000) / 100;
}

/** The text a field shows: the draft's when edited, else the saved value. */
export function fieldText(saved: Settings, draft: Draft, key: FieldKey): string {
  return draft[key] ?? savedText(saved, key);
}

/** A number field's text as a number, or the text itself so validation says "must be a number". */
function parseNumberText(text: string): number | string {
  const trimmed = text.trim();
  const n = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(n) ? n : text;
}

/** The saved settings with the draft's fields applied: what Save would send. */
export function mergeDraft(saved: Settings, draft: Draft): unknown {
  const merged = structuredClone(saved) as unknown as Record<string, unknown>;
  for (const [key, text] of Object.entries(draft) as [FieldKey, string | undefined][]) {
    if (text === undefined) continue;
    const spec = fieldSpec(key);
    const parents = spec.path.slice(0, -1);
    const leaf = spec.path[spec.path.length - 1];
    if (leaf === undefined) continue;
    let node = merged;
    for (const part of parents) node = node[part] as Record<string, unknown>;
    const value =
      spec.kind === 'number' ? parseNumberText(text) : spec.kind === 'toggle' ? text === 'true' : text;
    node[leaf] = spec.percent && typeof value === 'number' ? value / 100 : value;
  }
  return merged;
}

function fieldForPath(path: readonly PropertyKey[]): FieldKey | null {
  const joined = path.map(String).join('.');
  return FIELDS.find((f) => f.path.join('.') === joined)?.key ?? null;
}

/** Validate the merged draft with the same schema the engine uses; each error names its field. */
export function validateDraft(saved: Settings, draft: Draft): DraftResult {
  // The schema takes any text as a hotkey (a settings file may hold one); a new one must be a combination.
  const hotkey = draft.hotkey === undefined ? null : hotkeyProblem(draft.hotkey);
  const local: DraftError[] = hotkey ? [{ message: hotkey, field: 'hotkey' }] : [];
  const merged = mergeDraft(saved, draft);
  const result = validateSettings(merged);
  if (result.ok) return local.length > 0 ? { ok: false, errors: local } : result;
  // validateSettings gives the messages; the schema's issue paths say which input to mark invalid.
  const parsed = settingsSchema.safeParse(merged);
  const issues = parsed.success ? [] : parsed.error.issues;
  return {
    ok: false,
    errors: [
      ...result.errors.map((message) => ({
        message,
        field: fieldForPath(issues.find((i) => i.message === message)?.path ?? []),
      })),
      ...local,
    ],
  };
}

/** Set one field's draft text; a field edited back to its saved value leaves the draft. */
export function editDraft(saved: Settings, draft: Draft, key: FieldKey, text: string): Draft {
  const rest = Object.fromEntries(Object.entries(draft).filter(([k]) => k !== key)) as Draft;
  return text === savedText(saved, key) ? rest : { ...rest, [key]: text };
}
