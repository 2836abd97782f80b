import type { Level } from '../../shared/pressurePolicy';
import type { AppState, DictationPhase } from './appState';

/**
 * The tray icon's colour, mark and tooltip from the state: pure, so every level is tested without a
 * tray. Colours follow the levels' meaning (green → amber → orange → red); grey means the numbers
 * are not live (starting, restarting), dark red that the engine gave up. The mark says what dictation
 * does, on top of the memory colour: a white dot while listening (the usual "recording" sign), a white
 * ring while the last words are transcribed.
 */
export const LEVEL_COLORS: Record<Level, string> = {
  NORMAL: '#2e7d32',
  WARNING: '#f9a825',
  CRITICAL: '#ef6c00',
  EMERGENCY: '#c62828',
};
export const NOT_LIVE_COLOR = '#757575';
export const FAILED_COLOR = '#6a1b1b';

export type TrayMark = 'none' | 'listening' | 'transcribing';

export interface TrayLook {
  color: string;
  mark: TrayMark;
  tooltip: string;
}

export function trayLook(state: AppState): TrayLook {
  const { mark, words } = dictationLook(state.dictation);
  return { ...memoryLook(state, words), mark };
}

function dictationLook(phase: DictationPhase): { mark: TrayMark; words: string } {
  if (phase === 'idle') return { mark: 'none', words: '' };
  return { mark: phase, words: ` · ${phase}` };
}

function memoryLook(state: AppState, dictating: string): Omit<TrayLook, 'mark'> {
  const { engine, status } = state;
  if (engine.state === 'failed')
    return {
      color: FAILED_COLOR,
      tooltip: `Swictation — engine failed: ${engine.message ?? 'unknown error'}`,
    };
  if (engine.state !== 'live')
    return { color: NOT_LIVE_COLOR, tooltip: `Swictation — ${engineStateWords(engine.state)}` };
  if (!status) return { color: NOT_LIVE_COLOR, tooltip: 'Swictation — waiting for the first GPU reading' };
  if (!status.gpu) {
    return {
      color: LEVEL_COLORS.NORMAL,
      tooltip: `Swictation — no GPU, running on the CPU${dictating}`,
    };
  }
  const probe = status.probe.ok ? '' : ` · GPU monitor error: ${status.probe.error ?? 'unknown'}`;
  const cpu = status.permanentCpu ? ' · CPU fallback after GPU errors' : '';
  return {
    color: LEVEL_COLORS[status.level],
    tooltip:
      `Swictation — GPU ${usageText(status.usage)} (${Math.round(status.usedMiB)} / ${Math.round(status.totalMiB)} MiB) · ` +
      `${status.level}${cpu}${probe}${dictating}`,
  };
}

/** 0.8123 → "81.2%", as the popover's gauge shows it. */
export function usageText(usage: number): string {
  return `${(usage * 100).toFixed(1)}%`;
}

export function engineStateWords(state: AppState['engine']['state']): string {
  switch (state) {
    case 'idle':
    case 'starting':
      return 'starting the engine…';
    case 'live':
      return 'running';
    case 'restarting':
      return 'the engine stopped; restarting…';
    case 'failed':
      return 'the engine failed';
    case 'stopped':
      return 'engine stopped';
  }
}

/**
 * A filled circle as raw BGRA pixels (what nativeImage.createFromBitmap takes), with the dictation mark
 * in white: the icon is drawn from the look, so there is no image per level and state to ship and keep in
 * sync.
 */
export function circleBitmap(color: string, size: number, mark: TrayMark = 'none'): Buffer {
  const [r, g, b] = parseHex(color);
  const pixels = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Coverage from the distance to the edge: a one-pixel soft edge instead of jaggies.
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const white = markCoverage(mark, d, radius);
      const mix = (channel: number) => Math.round((channel * (1 - white) + 255 * white) * alpha);
      const i = (y * size + x) * 4;
      pixels[i] = mix(b); // premultiplied, as Skia bitmaps are
      pixels[i + 1] = mix(g);
      pixels[i + 2] = mix(r);
      pixels[i + 3] = Math.round(255 * alpha);
    }
  }
  return pixels;
}

/** How white a pixel at distance `d` from the centre is: a dot (listening) or a ring (transcribing). */
function markCoverage(mark: TrayMark, d: number, radius: number): number {
  const edge = (r: number) => Math.max(0, Math.min(1, r - d + 0.5)); // inside r, soft by one pixel
  switch (mark) {
    case 'none':
      return 0;
    case 'listening':
      return edge(radius * 0.45);
    case 'transcribing':
      return edge(radius * 0.55) - edge(radius * 0.3);
  }
}

function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`not a #rrggbb colour: ${color}`);
  return [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}
