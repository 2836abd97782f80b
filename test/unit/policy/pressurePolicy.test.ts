import { describe, expect, it } from 'vitest';
import {
  INITIAL_POLICY_STATE,
  LEVELS,
  levelForUsage,
  levelRank,
  levelRulesChanged,
  reclassify,
  restoreDwellElapsed,
  stepPolicy,
  type Decision,
  type Level,
  type PolicyConfig,
  type PolicyState,
} from '../../../shared/pressurePolicy';

const DEFAULT_T = { restore: 0.6, warning: 0.8, critical: 0.9, emergency: 0.95 };
const CUSTOM_T = { restore: 0.3, warning: 0.5, critical: 0.6, emergency: 0.7 };

function config(over: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    thresholds: DEFAULT_T,
    hysteresis: 0.02,
    recoveryDwellMs: 1000,
    cooldownMs: 5000,
    emergencyConfirmMs: 100,
    ...over,
  };
}

/** A fake clock is just the numbers we pass: each reading is [usage, atMs]. */
interface Trace {
  state: PolicyState;
  /** Decisions per reading, in reading order. */
  steps: { atMs: number; usage: number; decisions: Decision[] }[];
  all: Decision[];
}

function feed(
  readings: [usage: number, atMs: number][],
  cfg: PolicyConfig,
  start: PolicyState = INITIAL_POLICY_STATE,
) {
  let state = start;
  const steps: Trace['steps'] = [];
  for (const [usage, atMs] of readings) {
    const step = stepPolicy(state, usage, atMs, cfg);
    state = step.state;
    steps.push({ atMs, usage, decisions: step.decisions });
  }
  return { state, steps, all: steps.flatMap((s) => s.decisions) } satisfies Trace;
}

/** Readings of one usage every `every` ms from `from` to `to` inclusive. */
function hold(usage: number, from: number, to: number, every = 100): [number, number][] {
  const out: [number, number][] = [];
  for (let t = from; t <= to; t += every) out.push([usage, t]);
  return out;
}

function levelChanges(ds: Decision[]): string[] {
  return ds.flatMap((d) => (d.kind === 'level' ? [`${d.from}->${d.to}`] : []));
}

function actionsOf(ds: Decision[]): string[] {
  return ds.flatMap((d) => (d.kind === 'actions' ? [`${d.level}:${d.reason}`] : []));
}

/** The time of the first reading that produced a level change to `to`. */
function timeOfLevel(trace: Trace, to: Level): number | null {
  const hit = trace.steps.find((s) => s.decisions.some((d) => d.kind === 'level' && d.to === to));
  return hit?.atMs ?? null;
}

/** Drive a fresh state to `level` at time `atMs` (EMERGENCY confirmed by a reading `emergencyConfirmMs` before). */
function stateAt(level: Level, atMs: number, cfg: PolicyConfig): PolicyState {
  const t = cfg.thresholds;
  const usage = { NORMAL: t.restore / 2, WARNING: t.warning, CRITICAL: t.critical, EMERGENCY: t.emergency }[
    level
  ];
  const first = level === 'EMERGENCY' ? atMs - cfg.emergencyConfirmMs : atMs;
  const trace = feed(
    [
      [usage, first],
      [usage, atMs],
    ],
    cfg,
  );
  expect(trace.state.level).toBe(level);
  return trace.state;
}

describe('levelForUsage: a threshold is where its level starts', () => {
  it.each([
    [0, 'NORMAL'],
    [0.5, 'NORMAL'],
    [0.7999, 'NORMAL'],
    [0.8, 'WARNING'],
    [0.8999, 'WARNING'],
    [0.9, 'CRITICAL'],
    [0.9499, 'CRITICAL'],
    [0.95, 'EMERGENCY'],
    [0.99, 'EMERGENCY'],
    [1, 'EMERGENCY'],
  ] as const)('default thresholds: %f → %s', (usage, level) => {
    expect(levelForUsage(usage, DEFAULT_T)).toBe(level);
  });

  it.each([
    [0.4999, 'NORMAL'],
    [0.5, 'WARNING'],
    [0.5999, 'WARNING'],
    [0.6, 'CRITICAL'],
    [0.6999, 'CRITICAL'],
    [0.7, 'EMERGENCY'],
  ] as const)('custom thresholds: %f → %s', (usage, level) => {
    expect(levelForUsage(usage, CUSTOM_T)).toBe(level);
  });

  it('levels are ordered NORMAL < WARNING < CRITICAL < EMERGENCY', () => {
    expect(LEVELS.map(levelRank)).toEqual([0, 1, 2, 3]);
  });
});

describe('stepPolicy: first reading at the boundaries', () => {
  const cfg = config();
  it('0.7999 stays NORMAL with no decision', () => {
    const step = stepPolicy(INITIAL_POLICY_STATE, 0.7999, 0, cfg);
    expect(step.decisions).toEqual([]);
    expect(step.state.level).toBe('NORMAL');
  });

  it.each([0.8, 0.8999])('%f enters WARNING and runs its actions', (usage) => {
    const step = stepPolicy(INITIAL_POLICY_STATE, usage, 10, cfg);
    expect(step.decisions).toEqual([
      { kind: 'level', from: 'NORMAL', to: 'WARNING', usage },
      { kind: 'actions', level: 'WARNING', reason: 'entry' },
    ]);
    expect(step.state.level).toBe('WARNING');
    expect(step.state.lastActionAtMs).toBe(10);
  });

  it.each([0.9, 0.9499])(
    '%f climbs through WARNING to CRITICAL, one level and its actions at a time',
    (usage) => {
      const step = stepPolicy(INITIAL_POLICY_STATE, usage, 0, cfg);
      expect(step.decisions).toEqual([
        { kind: 'level', from: 'NORMAL', to: 'WARNING', usage },
        { kind: 'actions', level: 'WARNING', reason: 'entry' },
        { kind: 'level', from: 'WARNING', to: 'CRITICAL', usage },
        { kind: 'actions', level: 'CRITICAL', reason: 'entry' },
      ]);
      expect(step.state.level).toBe('CRITICAL');
      expect(step.state.emergencyPendingSinceMs).toBeNull();
    },
  );

  it('0.95 goes only to CRITICAL and asks for a re-sample', () => {
    const step = stepPolicy(INITIAL_POLICY_STATE, 0.95, 0, cfg);
    expect(step.decisions).toEqual([
      { kind: 'level', from: 'NORMAL', to: 'WARNING', usage: 0.95 },
      { kind: 'actions', level: 'WARNING', reason: 'entry' },
      { kind: 'level', from: 'WARNING', to: 'CRITICAL', usage: 0.95 },
      { kind: 'actions', level: 'CRITICAL', reason: 'entry' },
      { kind: 'resample', afterMs: 100 },
    ]);
    expect(step.state.level).toBe('CRITICAL');
    expect(step.state.emergencyPendingSinceMs).toBe(0);
  });

  it('0.9499 → 0.95 with custom thresholds is shifted accordingly', () => {
    const c = config({ thresholds: CUSTOM_T });
    expect(levelChanges(stepPolicy(INITIAL_POLICY_STATE, 0.4999, 0, c).decisions)).toEqual([]);
    expect(levelChanges(stepPolicy(INITIAL_POLICY_STATE, 0.5, 0, c).decisions)).toEqual(['NORMAL->WARNING']);
    expect(levelChanges(stepPolicy(INITIAL_POLICY_STATE, 0.6, 0, c).decisions)).toEqual([
      'NORMAL->WARNING',
      'WARNING->CRITICAL',
    ]);
    const spike = stepPolicy(INITIAL_POLICY_STATE, 0.7, 0, c);
    expect(spike.state.level).toBe('CRITICAL');
    expect(spike.decisions.at(-1)).toEqual({ kind: 'resample', afterMs: 100 });
    // 0.8 would be WARNING with the defaults: here it is an (unconfirmed) EMERGENCY.
    expect(stepPolicy(INITIAL_POLICY_STATE, 0.8, 0, c).state.emergencyPendingSinceMs).toBe(0);
  });

  it('does not mutate the state it is given', () => {
    const before = structuredClone(INITIAL_POLICY_STATE);
    stepPolicy(INITIAL_POLICY_STATE, 0.97, 0, cfg);
    expect(INITIAL_POLICY_STATE).toEqual(before);
  });
});

describe('stepwise escalation', () => {
  it('each rising reading adds exactly the next level and its entry actions', () => {
    const trace = feed(
      [
        [0.5, 0],
        [0.82, 100],
        [0.85, 200],
        [0.91, 300],
        [0.96, 400],
        [0.96, 500],
      ],
      config(),
    );
    expect(trace.steps.map((s) => s.decisions)).toEqual([
      [],
      [
        { kind: 'level', from: 'NORMAL', to: 'WARNING', usage: 0.82 },
        { kind: 'actions', level: 'WARNING', reason: 'entry' },
      ],
      [],
      [
        { kind: 'level', from: 'WARNING', to: 'CRITICAL', usage: 0.91 },
        { kind: 'actions', level: 'CRITICAL', reason: 'entry' },
      ],
      [{ kind: 'resample', afterMs: 100 }],
      [
        { kind: 'level', from: 'CRITICAL', to: 'EMERGENCY', usage: 0.96 },
        { kind: 'actions', level: 'EMERGENCY', reason: 'entry' },
      ],
    ]);
    expect(trace.state.level).toBe('EMERGENCY');
  });

  it('a jump from NORMAL to EMERGENCY runs every level in order once confirmed', () => {
    const trace = feed(
      [
        [0.99, 0],
        [0.99, 100],
      ],
      config(),
    );
    expect(levelChanges(trace.all)).toEqual(['NORMAL->WARNING', 'WARNING->CRITICAL', 'CRITICAL->EMERGENCY']);
    expect(actionsOf(trace.all)).toEqual(['WARNING:entry', 'CRITICAL:entry', 'EMERGENCY:entry']);
    expect(trace.all.filter((d) => d.kind === 'resample')).toHaveLength(1);
  });

  it('from WARNING an emergency reading reaches CRITICAL and waits for confirmation', () => {
    const trace = feed(
      [
        [0.85, 0],
        [0.97, 100],
      ],
      config(),
    );
    expect(trace.steps[1]?.decisions).toEqual([
      { kind: 'level', from: 'WARNING', to: 'CRITICAL', usage: 0.97 },
      { kind: 'actions', level: 'CRITICAL', reason: 'entry' },
      { kind: 'resample', afterMs: 100 },
    ]);
  });

  it('readings at the current level emit nothing before the cooldown', () => {
    const trace = feed(hold(0.85, 0, 4900), config());
    expect(trace.all).toEqual([
      { kind: 'level', from: 'NORMAL', to: 'WARNING', usage: 0.85 },
      { kind: 'actions', level: 'WARNING', reason: 'entry' },
    ]);
  });
});

describe('spike confirmation', () => {
  it('one EMERGENCY reading followed by a normal one never reaches EMERGENCY (no offload)', () => {
    const trace = feed(
      [
        [0.5, 0],
        [0.98, 100],
        [0.5, 100],
        [0.5, 200],
      ],
      config(),
    );
    expect(levelChanges(trace.all)).not.toContain('CRITICAL->EMERGENCY');
    expect(actionsOf(trace.all)).not.toContain('EMERGENCY:entry');
    expect(trace.state.level).toBe('CRITICAL');
    expect(trace.state.emergencyPendingSinceMs).toBeNull();
  });

  it('a confirming reading in the CRITICAL band does not confirm an EMERGENCY', () => {
    const trace = feed(
      [
        [0.98, 0],
        [0.92, 0],
      ],
      config(),
    );
    expect(trace.state.level).toBe('CRITICAL');
    expect(trace.state.emergencyPendingSinceMs).toBeNull();
    expect(actionsOf(trace.all)).toEqual(['WARNING:entry', 'CRITICAL:entry']);
  });

  it('after a dismissed spike the next emergency reading needs its own confirmation', () => {
    const trace = feed(
      [
        [0.98, 0],
        [0.5, 0],
        [0.98, 100],
      ],
      config(),
    );
    expect(trace.state.level).toBe('CRITICAL');
    expect(trace.steps[2]?.decisions).toEqual([{ kind: 'resample', afterMs: 100 }]);
    const confirmed = stepPolicy(trace.state, 0.98, 200, config());
    expect(levelChanges(confirmed.decisions)).toEqual(['CRITICAL->EMERGENCY']);
    expect(actionsOf(confirmed.decisions)).toEqual(['EMERGENCY:entry']);
  });

  it('while at EMERGENCY, emergency readings need no further confirmation', () => {
    const cfg = config();
    const s = stateAt('EMERGENCY', 0, cfg);
    const step = stepPolicy(s, 0.99, 100, cfg);
    expect(step.decisions).toEqual([]);
    expect(step.state.emergencyPendingSinceMs).toBeNull();
    expect(step.state.level).toBe('EMERGENCY');
  });
});

describe('hysteresis', () => {
  it('usage just under warning but within the margin does not drop WARNING', () => {
    const trace = feed([[0.85, 0], ...hold(0.79, 100, 20_000)], config({ hysteresis: 0.02 }));
    expect(trace.state.level).toBe('WARNING');
    expect(levelChanges(trace.all)).toEqual(['NORMAL->WARNING']);
    expect(trace.state.belowSinceMs.WARNING).toBeNull();
  });

  it('usage below the margin drops WARNING after the dwell', () => {
    const trace = feed([[0.85, 0], ...hold(0.77, 100, 2000)], config({ hysteresis: 0.02 }));
    expect(levelChanges(trace.all)).toEqual(['NORMAL->WARNING', 'WARNING->NORMAL']);
    expect(timeOfLevel(trace, 'NORMAL')).toBe(1100);
  });

  it('applies to every level: CRITICAL holds at 0.89 and EMERGENCY at 0.94', () => {
    const cfg = config({ hysteresis: 0.02 });
    expect(feed(hold(0.89, 100, 20_000), cfg, stateAt('CRITICAL', 0, cfg)).state.level).toBe('CRITICAL');
    expect(feed(hold(0.94, 100, 20_000), cfg, stateAt('EMERGENCY', 0, cfg)).state.level).toBe('EMERGENCY');
    expect(feed(hold(0.87, 100, 2000), cfg, stateAt('CRITICAL', 0, cfg)).state.level).toBe('WARNING');
    expect(feed(hold(0.92, 100, 2000), cfg, stateAt('EMERGENCY', 0, cfg)).state.level).toBe('CRITICAL');
  });

  it('a wide custom margin holds WARNING far below the threshold', () => {
    const cfg = config({ thresholds: CUSTOM_T, hysteresis: 0.15 });
    const held = feed([[0.55, 0], ...hold(0.36, 100, 20_000)], cfg);
    expect(held.state.level).toBe('WARNING');
    const dropped = feed([[0.55, 0], ...hold(0.34, 100, 2000)], cfg);
    expect(dropped.state.level).toBe('NORMAL');
  });

  it('with no margin, 0.7999 is enough to drop after the dwell', () => {
    const trace = feed([[0.8, 0], ...hold(0.7999, 100, 1100)], config({ hysteresis: 0 }));
    expect(timeOfLevel(trace, 'NORMAL')).toBe(1100);
  });
});

describe('recovery dwell', () => {
  it('drops only once usage has read lower for recoveryDwellMs, not a reading earlier', () => {
    const cfg = config({ recoveryDwellMs: 1000 });
    const trace = feed([[0.85, 0], ...hold(0.5, 100, 1500)], cfg);
    expect(timeOfLevel(trace, 'NORMAL')).toBe(1100);
    const atDwellMinusOne = feed([[0.85, 0], ...hold(0.5, 100, 1000), [0.5, 1099]], cfg);
    expect(atDwellMinusOne.state.level).toBe('WARNING');
    expect(atDwellMinusOne.state.belowSinceMs.WARNING).toBe(100);
  });

  it('the drop decision carries the current reading', () => {
    const trace = feed([[0.85, 0], ...hold(0.5, 100, 1000), [0.42, 1100]], config());
    expect(trace.steps.at(-1)?.decisions).toEqual([
      { kind: 'level', from: 'WARNING', to: 'NORMAL', usage: 0.42 },
    ]);
  });

  it('restarts when usage rises back to the current level during the dwell', () => {
    const trace = feed([[0.85, 0], ...hold(0.5, 100, 500), [0.85, 600], ...hold(0.5, 700, 2000)], config());
    expect(timeOfLevel(trace, 'NORMAL')).toBe(1700);
  });

  it('drops to the lowest level whose threshold usage stayed below for the whole dwell', () => {
    const cfg = config();
    const start = stateAt('EMERGENCY', 0, cfg);
    // 0.5 (NORMAL), one reading at 0.85 (WARNING), then 0.5 again: below CRITICAL since 100, below WARNING
    // only since 600.
    const trace = feed([...hold(0.5, 100, 400), [0.85, 500], ...hold(0.5, 600, 1100)], cfg, start);
    expect(levelChanges(trace.all)).toEqual(['EMERGENCY->WARNING']);
    expect(timeOfLevel(trace, 'WARNING')).toBe(1100);
    // One dwell after usage went below WARNING's threshold (600), not a second dwell after the first drop.
    const after = feed(hold(0.5, 1200, 2300), cfg, trace.state);
    expect(levelChanges(after.all)).toEqual(['WARNING->NORMAL']);
    expect(timeOfLevel(after, 'NORMAL')).toBe(1600);
  });

  it('issue 10, item 5: one dwell, not one per level (EMERGENCY → 79 % after the offload → 60 %)', () => {
    const cfg = config({ recoveryDwellMs: 10_000 });
    const start = stateAt('EMERGENCY', 0, cfg);
    // The offload takes usage to 79 % (WARNING with the margin); other programs free memory at 2.1 s.
    const trace = feed([...hold(0.79, 100, 2000), ...hold(0.6, 2100, 30_000)], cfg, start);
    expect(levelChanges(trace.all)).toEqual(['EMERGENCY->WARNING', 'WARNING->NORMAL']);
    expect(timeOfLevel(trace, 'WARNING')).toBe(10_100);
    // NORMAL one dwell after usage reached 60 %: 12.1 s, not 20.1 s (a second full dwell after the first drop).
    expect(timeOfLevel(trace, 'NORMAL')).toBe(12_100);
  });

  it('from EMERGENCY straight to NORMAL in one drop when the whole dwell read NORMAL', () => {
    const cfg = config();
    const trace = feed(hold(0.3, 100, 1100), cfg, stateAt('EMERGENCY', 0, cfg));
    expect(trace.all).toEqual([{ kind: 'level', from: 'EMERGENCY', to: 'NORMAL', usage: 0.3 }]);
  });

  it('with a dwell of 0, the first lower reading drops at once', () => {
    const cfg = config({ recoveryDwellMs: 0 });
    const trace = feed([[0.3, 100]], cfg, stateAt('CRITICAL', 0, cfg));
    expect(trace.all).toEqual([{ kind: 'level', from: 'CRITICAL', to: 'NORMAL', usage: 0.3 }]);
    expect(trace.state).toMatchObject({ level: 'NORMAL', emergencyPendingSinceMs: null });
  });

  it('an escalation clears a dwell in progress', () => {
    const cfg = config();
    const trace = feed([[0.85, 0], ...hold(0.5, 100, 500), [0.92, 600]], cfg);
    expect(trace.state).toMatchObject({ level: 'CRITICAL', belowSinceMs: { WARNING: null, CRITICAL: null } });
    const after = feed(hold(0.5, 700, 1600), cfg, trace.state);
    expect(after.state.level).toBe('CRITICAL');
    expect(after.state.belowSinceMs.CRITICAL).toBe(700);
  });
});

describe('action cooldown', () => {
  it('repeats the level actions after cooldownMs while the level persists, and not before', () => {
    const trace = feed(hold(0.85, 0, 12_000, 1000), config({ cooldownMs: 5000 }));
    const repeats = trace.steps
      .filter((s) => actionsOf(s.decisions).includes('WARNING:repeat'))
      .map((s) => s.atMs);
    expect(repeats).toEqual([5000, 10_000]);
    expect(levelChanges(trace.all)).toEqual(['NORMAL->WARNING']);
  });

  it('counts from the last run, not from a fixed grid', () => {
    const trace = feed(
      [
        [0.85, 0],
        [0.85, 4999],
        [0.85, 5001],
        [0.85, 10_000],
        [0.85, 10_001],
      ],
      config(),
    );
    expect(trace.steps.map((s) => actionsOf(s.decisions))).toEqual([
      ['WARNING:entry'],
      [],
      ['WARNING:repeat'],
      [],
      ['WARNING:repeat'],
    ]);
  });

  it('repeats the actions of the level held (CRITICAL, EMERGENCY)', () => {
    const cfg = config({ cooldownMs: 2000 });
    const critical = feed(
      [
        [0.92, 1000],
        [0.92, 2000],
      ],
      cfg,
      stateAt('CRITICAL', 0, cfg),
    );
    expect(actionsOf(critical.all)).toEqual(['CRITICAL:repeat']);
    const emergency = feed(
      [
        [0.97, 1999],
        [0.97, 2000],
      ],
      cfg,
      stateAt('EMERGENCY', 0, cfg),
    );
    expect(emergency.steps.map((s) => actionsOf(s.decisions))).toEqual([[], ['EMERGENCY:repeat']]);
  });

  it('with a cooldown of 0, every reading at the level repeats', () => {
    const trace = feed(hold(0.85, 0, 300), config({ cooldownMs: 0 }));
    expect(actionsOf(trace.all)).toEqual([
      'WARNING:entry',
      'WARNING:repeat',
      'WARNING:repeat',
      'WARNING:repeat',
    ]);
  });

  it('NORMAL has no actions to repeat', () => {
    const trace = feed(hold(0.3, 0, 100_000, 5000), config({ cooldownMs: 0 }));
    expect(trace.all).toEqual([]);
  });

  it('an escalation resets the cooldown clock', () => {
    const trace = feed(
      [
        [0.85, 0],
        [0.92, 4000],
        [0.92, 5000],
        [0.92, 9000],
      ],
      config({ cooldownMs: 5000 }),
    );
    expect(trace.steps.map((s) => actionsOf(s.decisions))).toEqual([
      ['WARNING:entry'],
      ['CRITICAL:entry'],
      [],
      ['CRITICAL:repeat'],
    ]);
  });
});

describe('restore dwell tracking', () => {
  it('starts when usage is at or below the restore threshold and elapses after recoveryDwellMs', () => {
    const cfg = config({ recoveryDwellMs: 1000 });
    const trace = feed(
      [
        [0.7, 0],
        [0.6, 100],
        [0.55, 500],
      ],
      cfg,
    );
    expect(trace.state.restoreSinceMs).toBe(100);
    expect(restoreDwellElapsed(trace.state, 1099, cfg)).toBe(false);
    expect(restoreDwellElapsed(trace.state, 1100, cfg)).toBe(true);
  });

  it('restarts when usage goes above the restore threshold', () => {
    const cfg = config({ recoveryDwellMs: 1000 });
    const trace = feed(
      [
        [0.5, 0],
        [0.5, 900],
        [0.6001, 950],
        [0.5, 1000],
      ],
      cfg,
    );
    expect(trace.state.restoreSinceMs).toBe(1000);
    expect(restoreDwellElapsed(trace.state, 1500, cfg)).toBe(false);
    expect(restoreDwellElapsed(trace.state, 2000, cfg)).toBe(true);
  });

  it('is never elapsed without a low reading, and elapses at once with a dwell of 0', () => {
    const cfg = config();
    expect(restoreDwellElapsed(INITIAL_POLICY_STATE, 1e9, cfg)).toBe(false);
    expect(restoreDwellElapsed(feed([[0.9, 0]], cfg).state, 1e9, cfg)).toBe(false);
    const zero = config({ recoveryDwellMs: 0 });
    expect(restoreDwellElapsed(feed([[0.1, 42]], zero).state, 42, zero)).toBe(true);
  });

  it('follows a custom restore threshold and is tracked whatever the level', () => {
    const cfg = config({ thresholds: CUSTOM_T });
    expect(feed([[0.31, 0]], cfg).state.restoreSinceMs).toBeNull();
    const trace = feed([[0.3, 0]], cfg, stateAt('EMERGENCY', 0, cfg));
    expect(trace.state.level).toBe('EMERGENCY');
    expect(trace.state.restoreSinceMs).toBe(0);
  });
});

describe('issue 10, item 8: the confirming reading comes at least emergencyConfirmMs after the first', () => {
  it('a second reading in the same millisecond neither confirms nor dismisses', () => {
    const trace = feed(
      [
        [0.98, 1000],
        [0.98, 1000],
        [0.98, 1099],
      ],
      config(),
    );
    expect(trace.state.level).toBe('CRITICAL');
    expect(trace.state.emergencyPendingSinceMs).toBe(1000);
    // Only the first reading asks for the confirming one, 100 ms later.
    expect(trace.all.filter((d) => d.kind === 'resample')).toEqual([{ kind: 'resample', afterMs: 100 }]);
    const confirmed = stepPolicy(trace.state, 0.98, 1100, config());
    expect(levelChanges(confirmed.decisions)).toEqual(['CRITICAL->EMERGENCY']);
  });

  it('a 1 ms spike is over when the confirming reading comes: no EMERGENCY', () => {
    const trace = feed(
      [
        [0.5, 0],
        [0.99, 1000],
        [0.99, 1000],
        [0.5, 1100],
      ],
      config(),
    );
    expect(actionsOf(trace.all)).not.toContain('EMERGENCY:entry');
    expect(trace.state.emergencyPendingSinceMs).toBeNull();
  });

  it('follows a configured delay', () => {
    const cfg = config({ emergencyConfirmMs: 500 });
    const first = stepPolicy(INITIAL_POLICY_STATE, 0.97, 0, cfg);
    expect(first.decisions.at(-1)).toEqual({ kind: 'resample', afterMs: 500 });
    expect(stepPolicy(first.state, 0.97, 499, cfg).state.level).toBe('CRITICAL');
    expect(stepPolicy(first.state, 0.97, 500, cfg).state.level).toBe('EMERGENCY');
  });
});

describe('issue 10, item 1: a settings change re-classifies the level at once', () => {
  const steady97 = (cfg: PolicyConfig) =>
    feed(hold(0.97, 1000, 60_000, 1000), cfg, stateAt('EMERGENCY', 0, cfg));

  it('at a steady 97 %, raising emergency to 0.99 drops to CRITICAL on the spot, no dwell', () => {
    const cfg = config({ cooldownMs: 30_000 });
    const raised = { ...cfg, thresholds: { ...DEFAULT_T, emergency: 0.99 } };
    const step = reclassify(steady97(cfg).state, 0.97, 60_500, raised);
    expect(step.decisions).toEqual([{ kind: 'level', from: 'EMERGENCY', to: 'CRITICAL', usage: 0.97 }]);
    expect(step.state.level).toBe('CRITICAL');
    // The next readings at 97 % keep it there, and never offload again.
    const after = feed(hold(0.97, 61_000, 200_000, 1000), raised, step.state);
    expect(levelChanges(after.all)).toEqual([]);
    expect(actionsOf(after.all)).not.toContain('EMERGENCY:repeat');
  });

  it('raising it to 0.985 (within the hysteresis of 97 %) drops as well', () => {
    const cfg = config();
    const raised = { ...cfg, thresholds: { ...DEFAULT_T, emergency: 0.985 } };
    expect(reclassify(steady97(cfg).state, 0.97, 60_500, raised).state.level).toBe('CRITICAL');
  });

  it('the same readings alone, without a change, never drop (the old rule for noise)', () => {
    const raised = config({ thresholds: { ...DEFAULT_T, emergency: 0.985 } });
    const trace = feed(hold(0.97, 1000, 60_000, 1000), raised, stateAt('EMERGENCY', 0, config()));
    expect(trace.state.level).toBe('EMERGENCY');
  });

  it('lowering a threshold climbs as a reading would (EMERGENCY still confirmed)', () => {
    const cfg = config();
    const critical = feed([[0.93, 0]], cfg).state;
    const lowered = { ...cfg, thresholds: { ...DEFAULT_T, emergency: 0.92 } };
    const step = reclassify(critical, 0.93, 500, lowered);
    expect(step.decisions).toEqual([{ kind: 'resample', afterMs: 100 }]);
    expect(stepPolicy(step.state, 0.93, 600, lowered).state.level).toBe('EMERGENCY');
    const warning = reclassify(feed([[0.5, 0]], cfg).state, 0.5, 10, { ...cfg, thresholds: CUSTOM_T });
    expect(levelChanges(warning.decisions)).toEqual(['NORMAL->WARNING']);
  });

  it('only thresholds above restore and the hysteresis decide whether to re-classify', () => {
    const cfg = config();
    expect(levelRulesChanged(cfg, { ...cfg, cooldownMs: 1 })).toBe(false);
    expect(levelRulesChanged(cfg, { ...cfg, thresholds: { ...DEFAULT_T, restore: 0.5 } })).toBe(false);
    expect(levelRulesChanged(cfg, { ...cfg, thresholds: { ...DEFAULT_T, emergency: 0.99 } })).toBe(true);
    expect(levelRulesChanged(cfg, { ...cfg, hysteresis: 0.05 })).toBe(true);
  });
});

describe('cooldown repeats need the readings still at the level', () => {
  it('no repeated offload while EMERGENCY dwells at 60 %', () => {
    const cfg = config({ cooldownMs: 1000, recoveryDwellMs: 10_000 });
    const trace = feed(hold(0.6, 100, 9000), cfg, stateAt('EMERGENCY', 0, cfg));
    expect(actionsOf(trace.all)).toEqual([]);
    expect(trace.state.level).toBe('EMERGENCY');
  });
});
