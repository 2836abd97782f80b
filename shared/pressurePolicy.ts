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

function maxLevel(a: Level, b: Level): Level {
  return levelRank(a) >= levelRank(b) ? a : b;
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
  'thresholds' | 'hysteresis' | 'recoveryDwellMs' | 'cooldownMs'
>;

export interface PolicyState {
  level: Level;
  /** When this level's actions last ran (entry or a cooldown repeat). */
  lastActionAtMs: number | null;
  /** A first reading at or above emergency waits for one confirming reading (ignore single spikes). */
  emergencyPending: boolean;
  /** De-escalation: since when usage (plus the hysteresis margin) has read below the current level. */
  lowerSinceMs: number | null;
  /** The highest level seen during that dwell: where the level drops to when the dwell completes. */
  lowerTarget: Level | null;
  /** Since when usage has been at or below the restore threshold. */
  restoreSinceMs: number | null;
}

export const INITIAL_POLICY_STATE: PolicyState = {
  level: 'NORMAL',
  lastActionAtMs: null,
  emergencyPending: false,
  lowerSinceMs: null,
  lowerTarget: null,
  restoreSinceMs: null,
};

export type Decision =
  | { kind: 'level'; from: Level; to: Level; usage: number }
  /** Run the level's actions: on entry, or again after the cooldown while the level persists. */
  | { kind: 'actions'; level: Level; reason: 'entry' | 'repeat' }
  /** Take another reading now rather than at the next tick: it confirms or dismisses a spike. */
  | { kind: 'resample' };

export interface PolicyStep {
  state: PolicyState;
  decisions: Decision[];
}

export function stepPolicy(
  prev: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
): PolicyStep {
  const state: PolicyState = { ...prev, restoreSinceMs: trackRestore(prev, usage, nowMs, config) };
  const raw = levelForUsage(usage, config.thresholds);

  let target = raw;
  const decisions: Decision[] = [];
  if (raw === 'EMERGENCY' && state.level !== 'EMERGENCY' && !state.emergencyPending) {
    // Go as far as CRITICAL at once; EMERGENCY (an offload) only on a confirming reading.
    target = 'CRITICAL';
    state.emergencyPending = true;
    decisions.push({ kind: 'resample' });
  } else {
    state.emergencyPending = false;
  }

  if (levelRank(target) > levelRank(state.level)) return escalate(state, target, usage, nowMs, decisions);
  return settle(state, usage, nowMs, config, decisions);
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
    state: { ...state, level: to, lastActionAtMs: nowMs, lowerSinceMs: null, lowerTarget: null },
    decisions: [...decisions, ...pending],
  };
}

/** Same level or lower: repeat actions after the cooldown, drop a level only after the dwell. */
function settle(
  state: PolicyState,
  usage: number,
  nowMs: number,
  config: PolicyConfig,
  decisions: Decision[],
): PolicyStep {
  const withMargin = levelForUsage(usage + config.hysteresis, config.thresholds);
  if (levelRank(withMargin) < levelRank(state.level)) {
    const since = state.lowerSinceMs ?? nowMs;
    const lowerTarget = state.lowerTarget === null ? withMargin : maxLevel(state.lowerTarget, withMargin);
    if (nowMs - since >= config.recoveryDwellMs) {
      decisions.push({ kind: 'level', from: state.level, to: lowerTarget, usage });
      return {
        state: { ...state, level: lowerTarget, lastActionAtMs: nowMs, lowerSinceMs: null, lowerTarget: null },
        decisions,
      };
    }
    return repeatAfterCooldown({ ...state, lowerSinceMs: since, lowerTarget }, nowMs, config, decisions);
  }
  return repeatAfterCooldown({ ...state, lowerSinceMs: null, lowerTarget: null }, nowMs, config, decisions);
}

function repeatAfterCooldown(
  state: PolicyState,
  nowMs: number,
  config: PolicyConfig,
  decisions: Decision[],
): PolicyStep {
  const due = state.lastActionAtMs !== null && nowMs - state.lastActionAtMs >= config.cooldownMs;
  if (state.level !== 'NORMAL' && due) {
    decisions.push({ kind: 'actions', level: state.level, reason: 'repeat' });
    return { state: { ...state, lastActionAtMs: nowMs }, decisions };
  }
  return { state, decisions };
}

function trackRestore(prev: PolicyState, usage: number, nowMs: number, config: PolicyConfig): number | null {
  if (usage > config.thresholds.restore) return null;
  return prev.restoreSinceMs ?? nowMs;
}

/** Usage has stayed at or below the restore threshold for the whole recovery dwell. */
export function restoreDwellElapsed(state: PolicyState, nowMs: number, config: PolicyConfig): boolean {
  return state.restoreSinceMs !== null && nowMs - state.restoreSinceMs >= config.recoveryDwellMs;
}
