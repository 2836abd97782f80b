import { describe, expect, it } from 'vitest';
import { parseParams } from '../../../shared/contract';
import { backoffMs } from '../../../renderer/engine/backoff';
import { harnessUrl } from '../../../renderer/engine/connect';
import { decodeJson, encodeJson } from '../../../renderer/engine/jsonWire';
import { sectionFor, viewFor } from '../../../renderer/route';
import { mergeHistory, type HistoryEntry, type TranscriptItem } from '../../../renderer/store/transcripts';

describe('JSON wire', () => {
  it('sends Float32Array samples as a number array the contract accepts', () => {
    const text = encodeJson({ samples: Float32Array.of(0.5, -0.25) });
    expect(text).toBe('{"samples":[0.5,-0.25]}');
    expect(parseParams('audio.push', decodeJson(text)).ok).toBe(true);
  });

  it('turns malformed text into undefined for the envelope check to drop', () => {
    expect(decodeJson('{oops')).toBeUndefined();
  });
});

describe('reconnect backoff', () => {
  it('grows from 250 ms to a 5 s ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
  });
});

describe('harness URL', () => {
  it('builds the loopback bridge URL from ?ws and ?token', () => {
    expect(harnessUrl('?ws=40123&token=a%2Bb')).toEqual({
      ok: true,
      url: 'ws://127.0.0.1:40123/engine?token=a%2Bb',
    });
  });
  it('explains what is missing', () => {
    expect(harnessUrl('')).toMatchObject({ ok: false });
    expect(harnessUrl('?ws=abc&token=t')).toEqual({ ok: false, reason: 'ws=abc is not a port number' });
  });
});

describe('views', () => {
  it('picks the view by hash, then by ?view, else the popover', () => {
    expect(viewFor('#settings', '')).toBe('settings');
    expect(viewFor('#/history', '')).toBe('history');
    expect(viewFor('', '?ws=1&token=t&view=settings')).toBe('settings');
    expect(viewFor('', '?ws=1&token=t')).toBe('popover');
    expect(viewFor('#nope', '')).toBe('popover');
    // The overlay: by hash (tests, dev:web) and by ?view (main's window).
    expect(viewFor('#overlay', '')).toBe('overlay');
    expect(viewFor('', '?view=overlay')).toBe('overlay');
  });

  it('a link into a section names the view, then the section', () => {
    expect(viewFor('#settings/speech', '')).toBe('settings');
    expect(sectionFor('#settings/speech')).toBe('speech');
    expect(sectionFor('#/settings/memory')).toBe('memory');
    expect(sectionFor('#settings')).toBeNull();
  });
});

describe('transcript history merge', () => {
  const entry = (id: string, atMs: number, text: string): HistoryEntry => ({
    id,
    atMs,
    text,
    device: 'cpu',
    ep: 'cpu',
    latencyMs: 10,
    durationMs: 1000,
    source: 'push',
  });
  const live = (atMs: number, text: string): TranscriptItem => ({
    key: `live-1-${atMs}`,
    atMs,
    text,
    device: 'cpu',
    ep: 'cpu',
    latencyMs: 10,
  });

  it('keeps a live transcript the history does not have yet, without duplicating one it has', () => {
    const list = [live(10_500, 'already saved'), live(20_000, 'brand new')];
    const merged = mergeHistory(list, [entry('a', 10_000, 'already saved'), entry('b', 5000, 'older')]);
    expect(merged.map((m) => m.text)).toEqual(['brand new', 'already saved', 'older']);
  });
});
