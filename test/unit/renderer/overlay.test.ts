import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../../renderer/overlay/elapsed';
import { overlayState } from '../../../renderer/overlay/overlayState';
import { createAppStore } from '../../../renderer/store/appStore';

describe('overlay', () => {
  it('formats the elapsed time as a recorder does', () => {
    expect([0, 999, 7_400, 59_999, 60_000, 723_000, 3_723_000, -5].map(formatElapsed)).toEqual([
      '0:00',
      '0:00',
      '0:07',
      '0:59',
      '1:00',
      '12:03',
      '1:02:03',
      '0:00',
    ]);
  });

  it('shows listening, then transcribing once the engine is asked to stop, and hides when stopped', () => {
    const store = createAppStore();
    const shown = () => overlayState(store.getState().dictation);
    expect(shown()).toBe('hidden');
    store.getState().receive({ type: 'dictation', state: 'listening', source: 'mic', queued: 0 }, 1);
    expect(shown()).toBe('listening');
    store.getState().receive({ type: 'dictation', state: 'transcribing', source: 'mic', queued: 0 }, 2);
    expect(shown()).toBe('transcribing');
    store.getState().receive({ type: 'dictation', state: 'stopped', source: 'mic', queued: 1 }, 3);
    expect(shown()).toBe('transcribing'); // an utterance still waits for the recognizer
    store.getState().receive({ type: 'dictation', state: 'stopped', source: 'mic', queued: 0 }, 4);
    expect(shown()).toBe('hidden');
  });
});
