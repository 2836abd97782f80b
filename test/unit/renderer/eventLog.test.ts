import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../shared/engineEvents';
import {
  appendLog,
  describeForLog,
  EMPTY_EVENT_LOG,
  EVENT_LOG_CAP,
  logEngineEvent,
} from '../../../renderer/store/eventLog';

const level = (from: 'NORMAL' | 'WARNING', to: 'WARNING' | 'EMERGENCY' | 'NORMAL'): EngineEvent => ({
  type: 'level',
  from,
  to,
  usage: 0.812,
});

describe('event log', () => {
  it('keeps the newest entries first and stops at the cap', () => {
    let log = EMPTY_EVENT_LOG;
    for (let i = 0; i < EVENT_LOG_CAP + 25; i++) {
      log = appendLog(log, {
        atMs: i,
        kind: 'connection',
        severity: 'info',
        text: `n${i}`,
        durationMs: null,
      });
    }
    expect(log.entries.length).toBe(EVENT_LOG_CAP);
    expect(log.entries[0]?.text).toBe(`n${EVENT_LOG_CAP + 24}`);
    expect(log.entries[EVENT_LOG_CAP - 1]?.text).toBe('n25');
    // Ids stay unique (React keys) even after the oldest were dropped.
    expect(new Set(log.entries.map((e) => e.id)).size).toBe(EVENT_LOG_CAP);
  });

  it('honours a smaller cap', () => {
    let log = EMPTY_EVENT_LOG;
    for (let i = 0; i < 5; i++)
      log = appendLog(log, { atMs: i, kind: 'connection', severity: 'info', text: '', durationMs: null }, 3);
    expect(log.entries.map((e) => e.atMs)).toEqual([4, 3, 2]);
  });

  it('logs level changes with the usage, and rising ones as warnings', () => {
    expect(describeForLog(level('NORMAL', 'WARNING'))).toEqual({
      severity: 'warn',
      text: 'NORMAL → WARNING at 81.2%',
      durationMs: null,
    });
    expect(describeForLog(level('WARNING', 'NORMAL'))?.severity).toBe('info');
    expect(describeForLog(level('WARNING', 'EMERGENCY'))?.severity).toBe('error');
  });

  it('logs actions and moves with their durations', () => {
    const action = describeForLog({
      type: 'action',
      name: 'offload',
      level: 'EMERGENCY',
      freedMiB: null,
      ms: 312.5,
      detail: 'moved stt to the CPU',
    });
    expect(action).toEqual({
      severity: 'info',
      text: 'offload (EMERGENCY): moved stt to the CPU',
      durationMs: 312.5,
    });
    const move = describeForLog({
      type: 'placement',
      model: 'stt',
      from: 'gpu',
      to: 'cpu',
      reason: 'EMERGENCY',
      ms: 40,
    });
    expect(move?.durationMs).toBe(40);
    expect(move?.severity).toBe('warn');
    expect(move?.text).toContain('stt: gpu → CPU');
  });

  it('logs GPU errors, refusals and failures as problems', () => {
    const err = describeForLog({
      type: 'gpu-error',
      kind: 'oom',
      gpu: 0,
      count: 2,
      inWindow: 2,
      windowMs: 600_000,
      limit: 3,
      retriedOn: 'cpu',
      model: 'stt',
      message: 'VK_ERROR_OUT_OF_DEVICE_MEMORY',
    });
    expect(err?.severity).toBe('error');
    expect(err?.text).toBe('GPU error (oom) 2/3 in stt, retried on CPU: VK_ERROR_OUT_OF_DEVICE_MEMORY');
    expect(describeForLog({ type: 'refused', command: 'restore', reason: 'EMERGENCY' })?.severity).toBe(
      'warn',
    );
    expect(describeForLog({ type: 'failure', during: 'a move', message: 'boom' })?.text).toBe(
      'Failed while a move: boom',
    );
  });

  it('leaves telemetry and transcripts out of the log', () => {
    const sample: EngineEvent = {
      type: 'sample',
      usage: 0.5,
      sample: {
        atMs: 1,
        gpu: { index: 0, uuid: 'u', name: 'sim', vendor: 'simulated' },
        totalMiB: 8000,
        freeMiB: 4000,
        usedMiB: 4000,
        reservedMiB: null,
        processMiB: null,
        topProcesses: [],
      },
    };
    expect(logEngineEvent(EMPTY_EVENT_LOG, sample, 1)).toBe(EMPTY_EVENT_LOG);
    expect(describeForLog({ type: 'report', text: 'x' })).toBeNull();
  });
});
