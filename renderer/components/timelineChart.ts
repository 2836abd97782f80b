import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { DEFAULT_SETTINGS, type Thresholds } from '../../shared/settings';
import type { AppStore } from '../store/appStore';
import { TIMELINE_WINDOW_MS } from '../store/telemetrySlice';
import { thresholdBands, type Band } from './timelineBands';

const HEIGHT = 140;
const WINDOW_SEC = TIMELINE_WINDOW_MS / 1000;
/**
 * At most one redraw a second: five minutes across ~350 px is ~1 px a second, so drawing each 10 Hz reading
 * moved nothing a person could see and cost the popover's main thread ~2 % of a core (bench (f)). The gauge
 * shows the live figure.
 */
const MIN_REDRAW_MS = 1000;

interface Palette {
  text: string;
  grid: string;
  line: string;
  fill: string;
  restore: string;
  bands: Record<Band['level'], string>;
}

/** Colours come from CSS custom properties, so light and dark themes restyle the canvas too. */
function readPalette(el: HTMLElement): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--fg-muted', '#555'),
    grid: v('--chart-grid', 'rgba(128,128,128,0.2)'),
    line: v('--chart-line', '#2563eb'),
    fill: v('--chart-fill', 'rgba(37,99,235,0.15)'),
    restore: v('--chart-restore', '#16a34a'),
    bands: {
      warning: v('--band-warning', 'rgba(234,179,8,0.15)'),
      critical: v('--band-critical', 'rgba(249,115,22,0.18)'),
      emergency: v('--band-emergency', 'rgba(220,38,38,0.2)'),
    },
  };
}

/**
 * The 5-minute usage chart. It lives outside React: a store subscription sees each new reading and
 * redraws at most once per animation frame through uPlot's setData, so telemetry never re-renders React
 * (and a hidden popover, which gets no animation frames, draws nothing).
 */
export function createTimelineChart(el: HTMLElement, store: AppStore): { destroy(): void } {
  let palette = readPalette(el);
  let thresholds: Thresholds =
    store.getState().settings.saved?.memory.thresholds ?? DEFAULT_SETTINGS.memory.thresholds;

  const drawBands = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    for (const band of thresholdBands(thresholds)) {
      const top = u.valToPos(band.to * 100, 'y', true);
      const bottom = u.valToPos(band.from * 100, 'y', true);
      ctx.fillStyle = palette.bands[band.level];
      ctx.fillRect(bbox.left, top, bbox.width, bottom - top);
    }
    // The restore threshold: below this line the models may come back to the GPU.
    const y = Math.round(u.valToPos(thresholds.restore * 100, 'y', true)) + 0.5;
    ctx.strokeStyle = palette.restore;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.lineWidth = devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.restore();
  };

  const axis = (extra: Partial<uPlot.Axis>): uPlot.Axis => ({
    stroke: () => palette.text,
    grid: { stroke: () => palette.grid, width: 1 },
    ticks: { stroke: () => palette.grid, width: 1 },
    ...extra,
  });

  const chart = new uPlot(
    {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: [0, 100] } },
      axes: [axis({}), axis({ size: 52, values: (_u, ticks) => ticks.map((t) => `${t}%`) })],
      series: [
        {},
        {
          label: 'GPU memory used',
          stroke: () => palette.line,
          fill: () => palette.fill,
          width: 2,
          points: { show: false },
        },
      ],
      hooks: { drawClear: [drawBands] },
    },
    [[], []],
    el,
  );

  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = () => {
    frame = 0;
    drawnAt = performance.now();
    const w = store.getState().telemetry.ring.window(TIMELINE_WINDOW_MS);
    const percent = new Float64Array(w.usage.length);
    for (let i = 0; i < percent.length; i++) percent[i] = (w.usage[i] ?? 0) * 100;
    const last = w.atSec[w.atSec.length - 1] ?? Date.now() / 1000;
    // What the canvas holds, readable by tests and tools (a canvas has no DOM to ask).
    el.dataset['points'] = String(w.atSec.length);
    el.dataset['fromMs'] = String(Math.round((w.atSec[0] ?? last) * 1000));
    el.dataset['toMs'] = String(Math.round(last * 1000));
    chart.batch(() => {
      chart.setData([w.atSec, percent], false);
      chart.setScale('x', { min: last - WINDOW_SEC, max: last });
    });
  };
  const schedule = () => {
    if (frame !== 0 || timer !== undefined) return;
    const wait = drawnAt + MIN_REDRAW_MS - performance.now();
    if (wait <= 0) frame = requestAnimationFrame(draw);
    else
      timer = setTimeout(() => {
        timer = undefined;
        frame = requestAnimationFrame(draw);
      }, wait);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.telemetry.seq !== prev.telemetry.seq) schedule();
    const t = s.settings.saved?.memory.thresholds;
    if (t && t !== thresholds) {
      thresholds = t;
      chart.redraw(false);
    }
  });

  const resize = new ResizeObserver(() => {
    chart.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT });
  });
  resize.observe(el);

  const dark = matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => {
    palette = readPalette(el);
    chart.redraw(false);
  };
  dark.addEventListener('change', onScheme);

  schedule();
  return {
    destroy: () => {
      unsubscribe();
      resize.disconnect();
      dark.removeEventListener('change', onScheme);
      if (frame !== 0) cancelAnimationFrame(frame);
      clearTimeout(timer);
      chart.destroy();
    },
  };
}
