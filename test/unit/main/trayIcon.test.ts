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

  it('says when listening, in CPU fallback, or when the GPU monitor fails', () => {
    const look = trayLook({
      ...live,
      dictation: 'listening',
      status: { ...STATUS, permanentCpu: true, probe: { kind: 'nvml', ok: false, error: 'NVML gone' } },
    });
    expect(look.tooltip).toBe(
      'Swictation — GPU 50.0% (4000 / 8000 MiB) · NORMAL · CPU fallback after GPU errors · GPU monitor error: NVML gone · listening',
    );
  });

  it('marks listening and transcribing on top of the memory colour', () => {
    expect(trayLook(live)).toMatchObject({ color: LEVEL_COLORS.NORMAL, mark: 'none' });
    const listening = trayLook({ ...live, dictation: 'listening' });
    expect(listening).toMatchObject({ color: LEVEL_COLORS.NORMAL, mark: 'listening' });
    const transcribing = trayLook({
      ...live,
      dictation: 'transcribing',
      status: { ...STATUS, level: 'EMERGENCY' },
    });
    expect(transcribing).toMatchObject({ color: LEVEL_COLORS.EMERGENCY, mark: 'transcribing' });
    expect(transcribing.tooltip).toMatch(/ · EMERGENCY · transcribing$/);
  });

  it('grey while the engine is not live, dark red when it failed, and says why', () => {
    expect(
      trayLook({ ...live, engine: { state: 'restarting', message: null, settingsError: null } }),
    ).toEqual({
      color: NOT_LIVE_COLOR,
      mark: 'none',
      tooltip: 'Swictation — the engine stopped; restarting…',
    });
    expect(
      trayLook({ ...live, engine: { state: 'failed', message: 'it crashed 5 times', settingsError: null } }),
    ).toEqual({
      color: FAILED_COLOR,
      mark: 'none',
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

  it('listening puts a white dot in the middle, transcribing a white ring around a coloured centre', () => {
    const size = 32;
    const at = (px: Buffer, x: number, y: number) => [
      ...px.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
    ];
    const red = [0x28, 0x28, 0xc6, 255];
    const white = [255, 255, 255, 255];
    const plain = circleBitmap('#c62828', size);
    const listening = circleBitmap('#c62828', size, 'listening');
    const transcribing = circleBitmap('#c62828', size, 'transcribing');
    // Centre, a point 7 px out (on the ring), and one near the rim (colour in every state).
    expect([at(plain, 16, 16), at(plain, 23, 16)]).toEqual([red, red]);
    expect([at(listening, 16, 16), at(listening, 28, 16)]).toEqual([white, red]);
    expect([at(transcribing, 16, 16), at(transcribing, 22, 16), at(transcribing, 28, 16)]).toEqual([
      red,
      white,
      red,
    ]);
  });

  it('rejects what is not #rrggbb', () => {
    expect(() => circleBitmap('red', 16)).toThrow('not a #rrggbb colour: red');
  });
});
