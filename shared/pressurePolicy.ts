import type { MemorySettings, Thresholds } from './settings';

/**
 * The pressure policy: pure functions from (state, one usage reading) to (state, decisions).
 * No clock, no I/O: the MemoryManager feeds readings and carries out decisions, tests feed a fake clock.
 */
export const LEVELS = ['NORMAL', 'WARNING', 'CRITICAL', 'EMERGENCY'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** A threshold is where its level starts: usage 0.80 is WARNING, 0.7999 is NORMAL. */
export function levelForUsage(usage: number, t: Thresholds): Level {
  if (usage >= t.emergency) return 'EMERGENCY';
  if (usage >= t.critical) return 'CRITICAL';
  if (usage >= t.warning) return 'WARNING';
  return 'NORMAL';
}

export type PolicyConfig = Pick<
  MemorySettings,
  'thresholds' | 'hysteresis' | 'recoveryDwellMs' | 'cooldownMs' | 'emergencyConfirmMs'
>;

/** The levels above NORMAL: each has a threshold usage can read below. */
type RaisedLevel = Exclude<Level, 'NORMAL'>;
const RAISED: readonly RaisedLevel[] = ['WARNING', 'CRITICAL', 'EMERGENCY'];
const THRESHOLD_OF = { WARNING: 'warning', CRITICAL: 'critical', EMERGENCY: 'emergency' } as const;

/** Per level above NORMAL: since when usage plus the hysteresis margin has read below its threshold, unbroken. */
export type BelowSince = Readonly<Record<RaisedLevel, number | null>>;

export interface PolicyState {
  level: Level;
  /** When this level's actions last ran (entry or a cooldown repeat). */
  lastActionAtMs: number | null;
  /**
   * A first reading at or above emergency waits for a confirming reading taken at least `emergencyConfirmMs`
   * later (a spike is over by then): the time of that first reading, or null.
   */
  emergencyPendingSinceMs: number | null;
  /** De-escalation: the level drops once usage has stayed below a level's threshold for the recovery dwell. */
  belowSinceMs: BelowSince;
  /** Since when usage has been at or below the restore threshold. */
  restoreSinceMs: number | null;
}

const NEVER_BELOW: BelowSince = { WARNING: null, CRITICAL: null, EMERGENCY: null };

export const INITIAL_POLICY_STATE: PolicyState = {
  level: 'NORMAL',
  lastActionAtMs: null,
  emergencyPendingSinceMs: null,
  belowSinceMs: NEVER_BELOW,
  restoreSinceMs: null,
};

export type Decision =
  | { kind: 'level'; from: Level; to: Level; usage: number }
  /** Run the level's actions: on entry, or again after the cooldown while the level persists. */
  | { kind: 'actions'; level: Level; reason: 'entry' | 'repeat' }
  /** Take another reading `afterMs` from now rather than at the next tick: it confirms or dismisses a spike. */
  | { kind: 'resample'; afterMs: number };

export interface PolicyStep {
  state: PolicyState;
  decisions: Decision[];
}

/**
 * `risingSteadily`: the readings before this one climbed step after step (usageTrend.ts). A climb like that is
 * not a spike, so a first EMERGENCY reading at its end needs no confirming reading.
 */
export function stepPolicy(
  prev: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
  risingSteadily = false,
): PolicyStep {
  const state: PolicyState = {
    ...prev,
    restoreSinceMs: trackRestore(prev, usage, nowMs, config),
    belowSinceMs: trackBelow(prev.belowSinceMs, usage, nowMs, config),
  };
  const decisions: Decision[] = [];
  const raw = levelForUsage(usage, config.thresholds);
  const target = risingSteadily ? raw : confirmEmergency(state, raw, nowMs, config, decisions);
  if (risingSteadily) state.emergencyPendingSinceMs = null;
  if (levelRank(target) > levelRank(state.level)) return escalate(state, target, usage, nowMs, decisions);
  return settle(state, usage, nowMs, config, decisions);
}

/**
 * EMERGENCY (an offload) only on a confirming reading at least `emergencyConfirmMs` after the first: until then
 * go as far as CRITICAL. A reading in between that is too soon neither confirms nor dismisses; one below
 * emergency dismisses the spike. Mutates `state` and `decisions`, returns the level to climb to.
 */
function confirmEmergency(
  state: PolicyState,
  raw: Level,
  nowMs: number,
  config: PolicyConfig,
  decisions: Decision[],
): Level {
  if (raw !== 'EMERGENCY' || state.level === 'EMERGENCY') {
    state.emergencyPendingSinceMs = null;
    return raw;
  }
  const since = state.emergencyPendingSinceMs;
  if (since === null) {
    state.emergencyPendingSinceMs = nowMs;
    decisions.push({ kind: 'resample', afterMs: config.emergencyConfirmMs });
    return 'CRITICAL';
  }
  if (nowMs - since < config.emergencyConfirmMs) return 'CRITICAL';
  state.emergencyPendingSinceMs = null;
  return 'EMERGENCY';
}

/**
 * A user's settings change is not noise: the level becomes the one the latest usage implies under the new
 * thresholds at once, with no hysteresis and no dwell. A higher level is climbed as a reading would climb it
 * (each level's entry actions, EMERGENCY still confirmed by a second reading).
 */
export function reclassify(
  prev: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
): PolicyStep {
  const raw = levelForUsage(usage, config.thresholds);
  if (levelRank(raw) >= levelRank(prev.level)) return stepPolicy(prev, usage, nowMs, config);
  const state: PolicyState = {
    ...prev,
    level: raw,
    lastActionAtMs: nowMs,
    emergencyPendingSinceMs: null,
    belowSinceMs: trackBelow(prev.belowSinceMs, usage, nowMs, config),
    restoreSinceMs: trackRestore(prev, usage, nowMs, config),
  };
  return { state, decisions: [{ kind: 'level', from: prev.level, to: raw, usage }] };
}

/** Whether a settings change moves where levels start or end (and so calls for a re-classification). */
export function levelRulesChanged(a: PolicyConfig, b: PolicyConfig): boolean {
  const t = (c: PolicyConfig) => [c.thresholds.warning, c.thresholds.critical, c.thresholds.emergency];
  return a.hysteresis !== b.hysteresis || t(a).some((v, i) => v !== t(b)[i]);
}

/**
 * Climb one level at a time, so a jump from NORMAL to EMERGENCY still runs every level's entry
 * actions in order (cleanup, aggressive cleanup and standby pre-warm, then the offload).
 */
function escalate(
  state: PolicyState,
  to: Level,
  usage: number,
  nowMs: number,
  pending: Decision[],
): PolicyStep {
  const decisions: Decision[] = [];
  for (let rank = levelRank(state.level) + 1; rank <= levelRank(to); rank++) {
    const from = LEVELS[rank - 1] as Level;
    const level = LEVELS[rank] as Level;
    decisions.push({ kind: 'level', from, to: level, usage }, { kind: 'actions', level, reason: 'entry' });
  }
  return {
    state: { ...state, level: to, lastActionAtMs: nowMs },
    decisions: [...decisions, ...pending],
  };
}

/**
 * Same level or lower: one recovery dwell below a level's threshold (minus the margin) drops the level straight
 * to the lowest level whose threshold usage has stayed below for the whole dwell; otherwise repeat the level's
 * actions after the cooldown.
 */
function settle(
  state: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
  decisions: Decision[],
): PolicyStep {
  const to = dwelledLevel(state, nowMs, config);
  if (levelRank(to) < levelRank(state.level)) {
    decisions.push({ kind: 'level', from: state.level, to, usage });
    return { state: { ...state, level: to, lastActionAtMs: nowMs }, decisions };
  }
  return repeatAfterCooldown(state, usage, nowMs, config, decisions);
}

/**
 * Usage below a level's threshold is below every higher one too, so the lowest level whose next level up has
 * been read below for the dwell is where usage has settled.
 */
function dwelledLevel(state: PolicyState, nowMs: number, config: PolicyConfig): Level {
  for (let rank = 0; rank < levelRank(state.level); rank++) {
    const since = state.belowSinceMs[LEVELS[rank + 1] as RaisedLevel];
    if (since !== null && nowMs - since >= config.recoveryDwellMs) return LEVELS[rank] as Level;
  }
  return state.level;
}

/** Repeat only while the readings still put usage at this level: an offload at 60 % would free nothing. */
function repeatAfterCooldown(
  state: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
  decisions: Decision[],
): PolicyStep {
  const due = state.lastActionAtMs !== null && nowMs - state.lastActionAtMs >= config.cooldownMs;
  const persists = levelRank(levelForUsage(usage, config.thresholds)) >= levelRank(state.level);
  if (state.level !== 'NORMAL' && due && persists) {
    decisions.push({ kind: 'actions', level: state.level, reason: 'repeat' });
    return { state: { ...state, lastActionAtMs: nowMs }, decisions };
  }
  return { state, decisions };
}

function trackBelow(prev: BelowSince, usage: number, nowMs: number, config: PolicyConfig): BelowSince {
  const next: Record<RaisedLevel, number | null> = { ...prev };
  for (const level of RAISED) {
    const below = usage + config.hysteresis < config.thresholds[THRESHOLD_OF[level]];
    next[level] = below ? (prev[level] ?? nowMs) : null;
  }
  return next;
}

function trackRestore(prev: PolicyState, usage: number, nowMs: number, config: PolicyConfig): number | null {
  if (usage > config.thresholds.restore) return null;
  return prev.restoreSinceMs ?? nowMs;
}

/** Usage has stayed at or below the restore threshold for the whole recovery dwell. */
export function restoreDwellElapsed(state: PolicyState, nowMs: number, config: PolicyConfig): boolean {
  return state.restoreSinceMs !== null && nowMs - state.restoreSinceMs >= config.recoveryDwellMs;
}
