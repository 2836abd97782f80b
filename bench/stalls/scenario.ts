// The stalls benchmark's scenario: a 16 GB simulated GPU, the 800 MB dense model as `stt`, 100 ms sampling, and
// pressure timed so that each EMERGENCY meets a different move in flight.

/** What is in flight when each EMERGENCY of a cycle arrives. */
export const CASES = [
  'standby building',
  'restore loading',
  'standby ready',
  'model switch loading',
] as const;
export type StallCase = (typeof CASES)[number];

const TOTAL_MIB = 16_000;
const RESERVED_MIB = 300;
export const CYCLE_MS = 50_000;
/** Dictation: an utterance a second (a request every sampling interval would outrun an 800 MB model on 2 cores). */
export const REQUEST_EVERY_MS = 1000;

/** Other programs' memory that puts usage (with stt's `modelMiB` on the GPU) at `usage`. */
function external(usage: number, modelMiB: number): number {
  return Math.round(usage * TOTAL_MIB - RESERVED_MIB - modelMiB);
}

export interface StallStep {
  atMs: number;
  externalMiB?: number;
  command?: 'switch';
  /** The case an EMERGENCY step opens. */
  emergency?: StallCase;
}

/**
 * One cycle: load settles, then WARNING → CRITICAL → EMERGENCY (300 ms later), and so on (see `CASES`). A load of
 * the 800 MB model takes 2–4 s here, so each EMERGENCY that should meet a move in flight comes a second or less
 * after that move starts (a restore starts once the dwell after NORMAL has passed).
 */
function cycle(o: number, modelMiB: number, withSwitch: boolean): StallStep[] {
  const at = (ms: number, usage: number, emergency?: StallCase, modelOut = false): StallStep => ({
    atMs: o + ms,
    externalMiB: external(usage, modelOut ? 0 : modelMiB),
    ...(emergency ? { emergency } : {}),
  });
  const steps = [
    at(0, 0.4),
    at(1_000, 0.82), // WARNING
    at(2_000, 0.91), // CRITICAL: the CPU standby starts building (seconds for 800 MB)
    at(2_300, 0.97, 'standby building'),
    at(4_000, 0.4), // NORMAL after the 1 s dwell: the restore starts once the CPU copy serves
    at(5_800, 0.97, 'restore loading', true), // stt is still on the CPU: 97 % without it
    at(6_800, 0.4), // NORMAL: restore again
    at(19_000, 0.91), // CRITICAL: standby builds and is ready well before…
    at(26_000, 0.97, 'standby ready'),
    at(27_000, 0.4), // NORMAL: restore
  ];
  if (withSwitch) {
    // The model is out during a switch: 97 % without it.
    steps.push(
      { atMs: o + 35_000, command: 'switch' },
      at(35_800, 0.97, 'model switch loading', true),
      at(36_800, 0.4),
    );
  }
  return steps;
}

export function stallScenario(modelPath: string, modelMiB: number, cycles: number, withSwitch: boolean) {
  const steps = Array.from({ length: cycles }, (_, i) => cycle(i * CYCLE_MS, modelMiB, withSwitch)).flat();
  return {
    scenario: {
      gpu: { name: 'Simulated 16 GB', totalMiB: TOTAL_MIB, reservedMiB: RESERVED_MIB },
      settings: { intervalMs: 100, recoveryDwellMs: 1000, cooldownMs: 60_000 },
      models: [{ id: 'stt', role: 'stt', path: modelPath, sizeMiB: modelMiB, prefer: 'gpu' }],
      steps: steps.map(({ emergency: _, ...step }) => step),
      ...(withSwitch ? { requestEveryMs: REQUEST_EVERY_MS } : {}),
      durationMs: cycles * CYCLE_MS,
    },
    emergencies: steps
      .filter((s) => s.emergency)
      .map((s) => ({ atMs: s.atMs, case: s.emergency as StallCase })),
  };
}
