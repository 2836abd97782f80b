import { LEVEL_THRESHOLD_NAMES, type ThresholdName } from '../../shared/settings';
import type { FieldKey } from './settingsDraft';

/** Low to high, as they sit on the bar: each must be below the next. */
export const THRESHOLD_ORDER = LEVEL_THRESHOLD_NAMES;

export const thresholdKey = (name: ThresholdName): FieldKey => `threshold-${name}`;

const title = (name: ThresholdName) => `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;

/**
 * What is wrong with the thresholds as typed (percent text), said at the field that breaks the order: the
 * one being edited. Typing warning 95 under critical 90 marks warning ("must be below critical (90%)");
 * typing critical 70 over warning 80 marks critical ("must be above warning (80%)").
 */
export function thresholdProblems(
  text: Readonly<Record<ThresholdName, string>>,
  edited: ReadonlySet<ThresholdName>,
): Partial<Record<ThresholdName, string>> {
  const problems: Partial<Record<ThresholdName, string>> = {};
  const value: Partial<Record<ThresholdName, number>> = {};
  for (const name of THRESHOLD_ORDER) {
    const trimmed = text[name].trim();
    const n = trimmed === '' ? Number.NaN : Number(trimmed);
    if (!Number.isFinite(n)) problems[name] = `${title(name)} must be a number of percent`;
    else if (n <= 0 || n >= 100) problems[name] = `${title(name)} must be above 0% and below 100%`;
    else value[name] = n;
  }
  for (let i = 0; i + 1 < THRESHOLD_ORDER.length; i++) {
    const lower = THRESHOLD_ORDER[i] as ThresholdName;
    const upper = THRESHOLD_ORDER[i + 1] as ThresholdName;
    const l = value[lower];
    const u = value[upper];
    if (l === undefined || u === undefined || l < u) continue;
    // Blame the field the user moved; when both or neither moved, the lower one.
    if (edited.has(upper) && !edited.has(lower))
      problems[upper] ??= `${title(upper)} must be above ${lower} (${l}%)`;
    else problems[lower] ??= `${title(lower)} must be below ${upper} (${u}%)`;
  }
  return problems;
}
