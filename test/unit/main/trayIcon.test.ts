import { describe, expect, it } from 'vitest';
import { INITIAL_APP_STATE, type AppState } from '../../../electron/main/appState';
import {
  FAILED_COLOR,
  LEVEL_COLORS,
  NOT_LIVE_COLOR,
  circleBitmap,
  trayLook,
} from '../../../electron/main/trayIcon';
import { STATUS } from './fakes';

const live: AppState = {
  ...INITIAL_APP_STATE,
  engine: { state: 'live', message: null, settingsError: null },
  status: STATUS,
};

describe('trayLook', () => {
  it('colours by level and puts the usage in the tooltip', () => {
    for (const [level, usage] of [
      ['NORMAL', 0.5],
      ['WARNING', 0.812],
      ['CRITICAL', 0.91],
      ['EMERGENCY', 0.97],
    ] as const) {
      const look = trayLook({ ...live, status: { ...STATUS, level, usage, usedMiB: usage * 8000 } });
      expect(look.color).toBe(LEVEL_COLORS[level]);
      expect(look.tooltip).toBe(
        `Swictation — GPU ${(usage * 100).toFixed(1)}% (${Math.round(usage * 8000)} / 8000 MiB) · ${level}`,
      );
    }
    expect(new Set(Object.values(LEVEL_COLORS)).size).toBe(4);
  });

  it('says when dictating, in CPU fallback, or when the GPU monitor fails', () => {
    const look = trayLook({
      ...live,
      dictating: true,
      status: { ...STATUS, permanentCpu: true, probe: { kind: 'nvml', ok: false, error: 'NVML gone' } },
    });
    expect(look.tooltip).toBe(
      'Swictation — GPU 50.0% (4000 / 8000 MiB) · NORMAL · CPU fallback after GPU errors · GPU monitor error: NVML gone · dictating',
    );
  });

  it('grey while the engine is not live, dark red when it failed, and says why', () => {
    expect(
      trayLook({ ...live, engine: { state: 'restarting', message: null, settingsError: null } }),
    ).toEqual({
      color: NOT_LIVE_COLOR,
      tooltip: 'Swictation — the engine stopped; restarting…',
    });
    expect(
      trayLook({ ...live, engine: { state: 'failed', message: 'it crashed 5 times', settingsError: null } }),
    ).toEqual({
      color: FAILED_COLOR,
      tooltip: 'Swictation — engine failed: it crashed 5 times',
    });
    expect(trayLook({ ...live, status: null }).color).toBe(NOT_LIVE_COLOR);
  });

  it('no GPU: says it runs on the CPU', () => {
    expect(trayLook({ ...live, status: { ...STATUS, gpu: null } }).tooltip).toBe(
      'Swictation — no GPU, running on the CPU',
    );
  });
});

describe('circleBitmap', () => {
  it('draws an opaque disc of the colour on a transparent square (BGRA)', () => {
    const size = 16;
    const px = circleBitmap('#c62828', size);
    expect(px.length).toBe(size * size * 4);
    const at = (x: number, y: number) => [...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    expect(at(8, 8)).toEqual([0x28, 0x28, 0xc6, 255]);
    expect(at(0, 0)).toEqual([0, 0, 0, 0]);
  });

  it('rejects what is not #rrggbb', () => {
    expect(() => circleBitmap('red', 16)).toThrow('not a #rrggbb colour: red');
  });
});
