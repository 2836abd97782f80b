import { describe, expect, it } from 'vitest';
import { inputLevel } from '../../../shared/inputLevel';
import { hotkeyText } from '../../../renderer/components/hotkeyText';
import { placementLine, prefersCpu } from '../../../renderer/components/placementLine';
import { status } from './fixtures';

const onCpu = {
  id: 'stt',
  role: 'stt',
  device: 'cpu' as const,
  ep: 'cpu',
  vramMiB: 0,
  estimateMiB: 400,
  reason: 'EMERGENCY: offloaded',
  movedAtMs: 1,
  gpu: null,
};

describe('where a model runs, in the memory card', () => {
  it('names the restore threshold that keeps a model on the CPU after memory came back', () => {
    expect(placementLine(onCpu, status({ usage: 0.538 }), 0.5)).toBe(
      'on the CPU: usage 53.8% is above the 50% restore threshold',
    );
  });

  it('names errors, the user’s Offload and the level before the threshold', () => {
    expect(placementLine(onCpu, status({ permanentCpu: true }), 0.5)).toMatch(
      /GPU errors reached the limit of 3/,
    );
    expect(placementLine(onCpu, status({ pinnedByUser: true }), 0.5)).toBe(
      'on the CPU: you offloaded it; Restore to GPU brings it back',
    );
    expect(placementLine(onCpu, status({ level: 'CRITICAL', usage: 0.92 }), 0.5)).toBe(
      'on the CPU: memory is at CRITICAL',
    );
    // Below the threshold nothing holds it: the engine's own reason.
    expect(placementLine(onCpu, status({ usage: 0.4 }), 0.5)).toBe('on the CPU: EMERGENCY: offloaded');
  });

  it('after an idle release, says so and when it comes back, whatever the usage', () => {
    const released = { ...onCpu, reason: 'released after 10 min idle: back on the GPU when you dictate' };
    expect(placementLine(released, status({ usage: 0.7 }), 0.5)).toBe(
      'on the CPU: released after 10 min idle: back on the GPU when you dictate',
    );
    const unloaded = {
      ...released,
      unloaded: true,
      reason: 'unloaded after 10 min idle: loads again when you dictate',
    };
    expect(placementLine(unloaded, status({ usage: 0.7 }), 0.5)).toBe(
      'not loaded: unloaded after 10 min idle: loads again when you dictate',
    );
  });

  it('a CPU model by preference is not a GPU model; a GPU model says its provider and reason', () => {
    const vad = { ...onCpu, id: 'vad', reason: 'vad runs best on the CPU' };
    expect(prefersCpu(vad)).toBe(true);
    expect(prefersCpu(onCpu)).toBe(false);
    const gpu = {
      ...onCpu,
      device: 'gpu' as const,
      gpu: 0,
      ep: 'cuda',
      reason: 'prefers the GPU; 7000 MiB free',
    };
    expect(placementLine(gpu, status(), 0.5)).toBe('on the GPU (cuda): prefers the GPU; 7000 MiB free');
  });
});

describe('the Dictate row', () => {
  it('shows the hotkey as people read it', () => {
    expect(hotkeyText('CommandOrControl+Shift+D', false)).toBe('Ctrl+Shift+D');
    expect(hotkeyText('CommandOrControl+Shift+D', true)).toBe('⌘+Shift+D');
    expect(hotkeyText('Alt+F9', false)).toBe('Alt+F9');
  });

  it('input level: silence 0, speech in the middle, full scale 1', () => {
    expect(inputLevel(new Float32Array(512))).toBe(0);
    expect(inputLevel(new Float32Array(0))).toBe(0);
    expect(inputLevel(new Float32Array(512).fill(1))).toBe(1);
    const speech = inputLevel(new Float32Array(512).fill(0.03)); // about -30 dBFS
    expect(speech).toBeGreaterThan(0.4);
    expect(speech).toBeLessThan(0.6);
  });
});
