import type { ModelSpec } from '../models/session';
import type { Scenario } from './scenario';

/** The role of the speech model's sessions (loadRecognizer) and of a scenario's stand-in for it. */
const SPEECH_ROLE = 'stt';

export interface SpeechInScenario {
  /** The scenario without its speech stand-ins: the real speech model loads in their place. */
  scenario: Scenario;
  /** The real model's spec as the simulated GPU should count it. */
  place: (spec: ModelSpec) => ModelSpec;
}

/**
 * A scenario's `stt` model is a stand-in for the speech model. When the engine also loads the real speech
 * model, the stand-in steps aside (both would be `stt`, and two models would compete for the role) and the
 * real model takes its place: its GPU part is counted in simulated VRAM at the stand-in's size, so the
 * scenario's pressure plays out as written whichever model is installed (tiny-ctc is 2 MiB, Parakeet 2.5 GB).
 * The real model still runs for real on the CPU, as every scenario model with a file does.
 */
export function speechInScenario(scenario: Scenario): SpeechInScenario {
  const standIns = scenario.models.filter((m) => m.role === SPEECH_ROLE);
  const gpuStandIn = standIns.find((m) => m.prefer === 'gpu');
  return {
    scenario: { ...scenario, models: scenario.models.filter((m) => m.role !== SPEECH_ROLE) },
    place: (spec) =>
      gpuStandIn && spec.role === SPEECH_ROLE && spec.prefer === 'gpu'
        ? { ...spec, sizeMiB: gpuStandIn.sizeMiB }
        : spec,
  };
}
