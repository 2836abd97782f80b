import { describe, expect, it } from 'vitest';
import type { ShortcutApi } from '../../../electron/main/hotkey';
import { STOP_KEY, StopKey } from '../../../electron/main/stopKey';

function shortcuts(refuse = false) {
  const held = new Map<string, () => void>();
  let registrations = 0;
  const api: ShortcutApi = {
    register: (acc, cb) => {
      registrations++;
      if (refuse) return false;
      held.set(acc, cb);
      return true;
    },
    unregister: (acc) => void held.delete(acc),
  };
  return { api, held, registrations: () => registrations };
}

describe('StopKey', () => {
  it('holds Esc only while listening: pressing it stops, and other apps get Esc back after', () => {
    const keys = shortcuts();
    let stops = 0;
    const stop = new StopKey(keys.api, () => stops++);
    stop.follow('idle');
    expect(keys.held.size).toBe(0);
    stop.follow('listening');
    stop.follow('listening'); // re-renders while listening change nothing
    expect([...keys.held.keys()]).toEqual([STOP_KEY]);
    keys.held.get(STOP_KEY)?.();
    expect(stops).toBe(1);
    stop.follow('transcribing');
    expect(keys.held.size).toBe(0);
    stop.follow('idle');
    expect(keys.registrations()).toBe(1);
  });

  it('a refused Esc (Wayland, taken) is tried once per dictation, not on every render', () => {
    const keys = shortcuts(true);
    const stop = new StopKey(keys.api, () => undefined);
    stop.follow('listening');
    stop.follow('listening');
    stop.follow('idle');
    expect(keys.registrations()).toBe(1);
  });
});
