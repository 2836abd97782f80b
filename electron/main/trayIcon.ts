import type { Level } from '../../shared/pressurePolicy';
import type { AppState } from './appState';

/**
 * The tray icon's colour and tooltip from the state: pure, so every level is tested without a
 * tray. Colours follow the levels' meaning (green → amber → orange → red); grey means the numbers
 * are not live (starting, restarting), dark red that the engine gave up.
 */
export const LEVEL_COLORS: Record<Level, string> = {
  NORMAL: '#2e7d32',
  WARNING: '#f9a825',
  CRITICAL: '#ef6c00',
  EMERGENCY: '#c62828',
};
export const NOT_LIVE_COLOR = '#757575';
export const FAILED_COLOR = '#6a1b1b';

export interface TrayLook {
  color: string;
  tooltip: string;
}

export function trayLook(state: AppState): TrayLook {
  const { engine, status } = state;
  if (engine.state === 'failed')
    return {
      color: FAILED_COLOR,
      tooltip: `Swictation — engine failed: ${engine.message ?? 'unknown error'}`,
    };
  if (engine.state !== 'live')
    return { color: NOT_LIVE_COLOR, tooltip: `Swictation — ${engineStateWords(engine.state)}` };
  if (!status) return { color: NOT_LIVE_COLOR, tooltip: 'Swictation — waiting for the first GPU reading' };
  const dictating = state.dictating ? ' · dictating' : '';
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
 * A filled circle as raw BGRA pixels (what nativeImage.createFromBitmap takes): the icon is drawn
 * from the colour, so there is no image per level to ship and keep in sync.
 */
export function circleBitmap(color: string, size: number): Buffer {
  const [r, g, b] = parseHex(color);
  const pixels = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Coverage from the distance to the edge: a one-pixel soft edge instead of jaggies.
      const d = Math.hypot(x - c, y - c);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      const i = (y * size + x) * 4;
      pixels[i] = Math.round(b * alpha); // premultiplied, as Skia bitmaps are
      pixels[i + 1] = Math.round(g * alpha);
      pixels[i + 2] = Math.round(r * alpha);
      pixels[i + 3] = Math.round(255 * alpha);
    }
  }
  return pixels;
}

function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`not a #rrggbb colour: ${color}`);
  return [parseInt(m[1] ?? '0', 16), parseInt(m[2] ?? '0', 16), parseInt(m[3] ?? '0', 16)];
}
