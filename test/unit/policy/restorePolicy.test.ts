import { describe, expect, it } from 'vitest';
import {
  byGpuPriority,
  checkAdmission,
  checkReading,
  checkRestore,
  mib,
  pct,
  type RestoreInput,
} from '../../../shared/restorePolicy';

const THRESHOLDS = { restore: 0.6, warning: 0.8, critical: 0.9, emergency: 0.95 };

/** An 8000 MiB GPU with 3000 MiB used: a 1600 MiB model fits with room to spare. */
function input(over: Partial<RestoreInput> = {}): RestoreInput {
  return {
    modelId: 'stt',
    neededMiB: 1600,
    freeMiB: 5000,
    headroomMiB: 256,
    trigger: 'auto',
    level: 'NORMAL',
    usedMiB: 3000,
    totalMiB: 8000,
    thresholds: THRESHOLDS,
    dwellElapsed: true,
    inFlight: false,
    permanentCpu: false,
    gpuAvailable: true,
    backoffRemainingMs: 0,
    reading: { ageMs: 50, maxAgeMs: 4000, probeError: null },
    ...over,
  };
}

describe('checkAdmission', () => {
  it('admits when the headroom remains free after the load', () => {
    expect(checkAdmission({ modelId: 'stt', neededMiB: 1600, freeMiB: 1856, headroomMiB: 256 })).toEqual({
      ok: true,
    });
    expect(checkAdmission({ modelId: 'stt', neededMiB: 1600, freeMiB: 1600, headroomMiB: 0 })).toEqual({
      ok: true,
    });
  });

  it('refuses one MiB short, saying what is needed and what is free', () => {
    expect(checkAdmission({ modelId: 'stt', neededMiB: 1600, freeMiB: 1855, headroomMiB: 256 })).toEqual({
      ok: false,
      reason: 'stt needs ~1600 MiB on the GPU plus 256 MiB headroom, 1855 MiB free',
    });
    expect(checkAdmission({ modelId: 'stt', neededMiB: 1600, freeMiB: 1200, headroomMiB: 256 })).toEqual({
      ok: false,
      reason: 'stt needs ~1600 MiB on the GPU plus 256 MiB headroom, 1200 MiB free',
    });
  });

  it('leaves the headroom out of the sentence when it is 0, and rounds MiB', () => {
    expect(checkAdmission({ modelId: 'vad', neededMiB: 2.4, freeMiB: 1.6, headroomMiB: 0 })).toEqual({
      ok: false,
      reason: 'vad needs ~2 MiB on the GPU, 2 MiB free',
    });
  });
});

describe('checkRestore: automatic', () => {
  it('ok when every condition holds', () => {
    expect(checkRestore(input())).toEqual({ ok: true });
  });

  it.each<[string, Partial<RestoreInput>, string]>([
    ['no GPU provider', { gpuAvailable: false }, 'no GPU execution provider is available'],
    ['permanent CPU', { permanentCpu: true }, 'permanent CPU fallback after repeated GPU errors'],
    ['level WARNING', { level: 'WARNING' }, 'memory level is WARNING'],
    ['level CRITICAL', { level: 'CRITICAL' }, 'memory level is CRITICAL'],
    ['level EMERGENCY', { level: 'EMERGENCY' }, 'memory level is EMERGENCY'],
    ['dwell not elapsed', { dwellElapsed: false }, 'usage has not stayed at or below 60.0% for the dwell'],
    ['utterance in flight', { inFlight: true }, 'an utterance is being transcribed'],
    ['backing off', { backoffRemainingMs: 4001 }, 'backing off 5 s after a failed restore'],
    ['backing off (1 ms)', { backoffRemainingMs: 1 }, 'backing off 1 s after a failed restore'],
    [
      'does not fit',
      { freeMiB: 1200 },
      'stt needs ~1600 MiB on the GPU plus 256 MiB headroom, 1200 MiB free',
    ],
    [
      'projected at warning',
      { usedMiB: 4800, freeMiB: 3200 },
      'loading stt (~1600 MiB) would take the GPU to 80.0%, at or above the warning threshold 80.0%',
    ],
    [
      'projected above warning',
      { usedMiB: 5000, freeMiB: 3000 },
      'loading stt (~1600 MiB) would take the GPU to 82.5%, at or above the warning threshold 80.0%',
    ],
  ])('refuses: %s', (_name, over, reason) => {
    expect(checkRestore(input(over))).toEqual({ ok: false, reason });
  });

  it('projects below warning by one MiB: ok', () => {
    expect(checkRestore(input({ usedMiB: 4799, freeMiB: 3201 }))).toEqual({ ok: true });
  });

  it('checks in order: GPU, permanent CPU, level, dwell, in flight, backoff, admission, projection', () => {
    const everything: Partial<RestoreInput> = {
      gpuAvailable: false,
      permanentCpu: true,
      level: 'CRITICAL',
      dwellElapsed: false,
      inFlight: true,
      backoffRemainingMs: 10_000,
      freeMiB: 100,
      usedMiB: 7900,
    };
    const reasons: string[] = [];
    const order: (keyof RestoreInput)[] = [
      'gpuAvailable',
      'permanentCpu',
      'level',
      'dwellElapsed',
      'inFlight',
      'backoffRemainingMs',
      'freeMiB',
    ];
    const current: Partial<RestoreInput> = { ...everything };
    for (const key of order) {
      const verdict = checkRestore(input(current));
      if (verdict.ok) throw new Error('expected a refusal');
      reasons.push(verdict.reason);
      // Fix this condition and look at the next reason.
      Object.assign(current, { [key]: input()[key] });
    }
    expect(reasons).toEqual([
      'no GPU execution provider is available',
      'permanent CPU fallback after repeated GPU errors',
      'memory level is CRITICAL',
      'usage has not stayed at or below 60.0% for the dwell',
      'an utterance is being transcribed',
      'backing off 10 s after a failed restore',
      'stt needs ~1600 MiB on the GPU plus 256 MiB headroom, 100 MiB free',
    ]);
    // Only the projection is left: 7900 + 1600 > 8000.
    expect(checkRestore(input(current))).toEqual({
      ok: false,
      reason: 'loading stt (~1600 MiB) would take the GPU to 118.8%, at or above the warning threshold 80.0%',
    });
  });

  it('uses the custom thresholds it is given', () => {
    const custom = { restore: 0.3, warning: 0.5, critical: 0.6, emergency: 0.7 };
    expect(checkRestore(input({ thresholds: custom, dwellElapsed: false }))).toEqual({
      ok: false,
      reason: 'usage has not stayed at or below 30.0% for the dwell',
    });
    // 3000 + 1600 = 57.5%: fine with the defaults, over a warning of 50%.
    expect(checkRestore(input({ thresholds: custom }))).toEqual({
      ok: false,
      reason: 'loading stt (~1600 MiB) would take the GPU to 57.5%, at or above the warning threshold 50.0%',
    });
  });
});

describe('checkRestore: manual (the user pressed Restore to GPU)', () => {
  const manual = (over: Partial<RestoreInput> = {}) => input({ trigger: 'manual', ...over });

  it('ok when the model fits', () => {
    expect(checkRestore(manual())).toEqual({ ok: true });
  });

  it('ignores what only holds an automatic restore back', () => {
    expect(
      checkRestore(
        manual({
          permanentCpu: true,
          level: 'CRITICAL',
          dwellElapsed: false,
          inFlight: true,
          backoffRemainingMs: 60_000,
        }),
      ),
    ).toEqual({ ok: true });
  });

  it('allows a projection between warning and emergency', () => {
    // 5000 + 1600 = 82.5%: refused automatically, allowed by hand.
    expect(checkRestore(input({ usedMiB: 5000, freeMiB: 3000 })).ok).toBe(false);
    expect(checkRestore(manual({ usedMiB: 5000, freeMiB: 3000 }))).toEqual({ ok: true });
    expect(checkRestore(manual({ usedMiB: 5999, freeMiB: 2001, level: 'CRITICAL' }))).toEqual({ ok: true });
  });

  it.each<[string, Partial<RestoreInput>, string]>([
    ['no GPU provider', { gpuAvailable: false }, 'no GPU execution provider is available'],
    [
      'EMERGENCY',
      { level: 'EMERGENCY', usedMiB: 7700, freeMiB: 300 },
      'GPU memory is at the EMERGENCY level (96.3% used)',
    ],
    [
      'does not fit with headroom',
      { usedMiB: 6144, freeMiB: 1800 },
      'stt needs ~1600 MiB on the GPU plus 256 MiB headroom, 1800 MiB free',
    ],
    [
      'projected at emergency',
      // free is large enough (a device reporting reserved memory separately), the projection is not.
      { usedMiB: 6000, freeMiB: 2000, headroomMiB: 0 },
      'loading stt (~1600 MiB) would take the GPU to 95.0%, at or above the emergency threshold 95.0%',
    ],
  ])('refuses: %s', (_name, over, reason) => {
    expect(checkRestore(manual(over))).toEqual({ ok: false, reason });
  });

  it('every admission refusal names the sizes in MiB', () => {
    const v = checkRestore(manual({ freeMiB: 1200 }));
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/1600 MiB.*256 MiB headroom, 1200 MiB free/);
  });
});

describe('checkRestore: the user restores during EMERGENCY once the model fits (issue 10, item 2)', () => {
  const manual = (over: Partial<RestoreInput> = {}) => input({ trigger: 'manual', ...over });

  it('usage back at 60 % while the level still dwells at EMERGENCY: ok', () => {
    expect(checkRestore(manual({ level: 'EMERGENCY', usedMiB: 4800, freeMiB: 3200 }))).toEqual({ ok: true });
  });

  it('still refused at EMERGENCY when the load would reach the emergency threshold', () => {
    expect(
      checkRestore(manual({ level: 'EMERGENCY', usedMiB: 6100, freeMiB: 1900, headroomMiB: 0 })),
    ).toEqual({
      ok: false,
      reason:
        'loading stt (~1600 MiB) would take the GPU to 96.3%, at or above the emergency threshold 95.0%',
    });
  });

  it('an automatic restore still waits for NORMAL', () => {
    expect(checkRestore(input({ level: 'EMERGENCY', usedMiB: 4800, freeMiB: 3200 }))).toEqual({
      ok: false,
      reason: 'memory level is EMERGENCY',
    });
  });
});

describe('checkReading: no GPU load on a stale figure (issue 10, item 3)', () => {
  it('a reading within two intervals is current', () => {
    expect(checkReading({ ageMs: 4000, maxAgeMs: 4000, probeError: null })).toEqual({ ok: true });
  });

  it('an older one is refused with its age', () => {
    expect(checkReading({ ageMs: 4001, maxAgeMs: 4000, probeError: null })).toEqual({
      ok: false,
      reason: 'the last GPU reading is 4.0 s old: waiting for a current one',
    });
  });

  it('a failing probe is refused whatever the age, with its error', () => {
    expect(checkReading({ ageMs: 0, maxAgeMs: 4000, probeError: 'NVML_ERROR_UNKNOWN' })).toEqual({
      ok: false,
      reason: 'the GPU monitor is failing (NVML_ERROR_UNKNOWN): free memory is unknown',
    });
  });

  it.each(['auto', 'manual'] as const)(
    'a %s restore on a stale reading is refused, before admission',
    (trigger) => {
      // 100 MiB free by the stale figures: the refusal is about the reading, not the (unknown) fit.
      const stale = { ageMs: 9000, maxAgeMs: 4000, probeError: null };
      expect(checkRestore(input({ trigger, reading: stale, freeMiB: 100 }))).toEqual({
        ok: false,
        reason: 'the last GPU reading is 9.0 s old: waiting for a current one',
      });
      const failing = { ...stale, ageMs: 10, probeError: 'probe failure' };
      expect(checkRestore(input({ trigger, reading: failing }))).toEqual({
        ok: false,
        reason: 'the GPU monitor is failing (probe failure): free memory is unknown',
      });
    },
  );
});

describe('byGpuPriority: who goes to the GPU first (issue 10, item 7)', () => {
  it('the speech model first, then the others by size, largest first', () => {
    const models = [
      { id: 'punct', role: 'aux', estimateMiB: 100 },
      { id: 'lm', role: 'aux', estimateMiB: 900 },
      { id: 'stt', role: 'stt', estimateMiB: 1500 },
      { id: 'tiny', role: 'aux', estimateMiB: 100 },
    ];
    expect(byGpuPriority(models).map((m) => m.id)).toEqual(['stt', 'lm', 'punct', 'tiny']);
    // The input is left as it was.
    expect(models[0]?.id).toBe('punct');
  });

  it('a small speech model still comes before a large auxiliary one', () => {
    const models = [
      { id: 'big', role: 'aux', estimateMiB: 4000 },
      { id: 'stt', role: 'stt', estimateMiB: 50 },
    ];
    expect(byGpuPriority(models).map((m) => m.id)).toEqual(['stt', 'big']);
  });
});

describe('formatting helpers', () => {
  it('mib rounds to whole MiB, pct gives one decimal', () => {
    expect(mib(1599.6)).toBe('1600 MiB');
    expect(mib(0)).toBe('0 MiB');
    expect(pct(0.8)).toBe('80.0%');
    expect(pct(0.96251)).toBe('96.3%');
  });
});
