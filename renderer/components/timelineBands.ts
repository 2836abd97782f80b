import type { Thresholds } from '../../shared/settings';

/** The shaded usage ranges behind the timeline: where each level starts and ends. */
export interface Band {
  level: 'warning' | 'critical' | 'emergency';
  /** Fractions 0..1. */
  from: number;
  to: number;
}

export function thresholdBands(t: Thresholds): Band[] {
  return [
    { level: 'warning', from: t.warning, to: t.critical },
    { level: 'critical', from: t.critical, to: t.emergency },
    { level: 'emergency', from: t.emergency, to: 1 },
  ];
}
