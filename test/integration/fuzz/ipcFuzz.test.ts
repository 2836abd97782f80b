/**
 * IPC fuzzing: seeded random and malformed messages at the engine's contract (the real engine process) and at
 * main's IPC entry points (the real handler modules). Nothing may crash or throw; every message with an id gets
 * exactly one answer, ok or an error naming the problem; every other one gets one protocol-error event.
 * The counts go to out/fuzz/ (and to bench/results/fuzz.json and fuzz.md with FUZZ_RESULTS=bench).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzEngine } from './engineFuzz';
import { writeFuzzResults, type FuzzResults } from './fuzzReport';
import {
  fuzzAppProtocol,
  fuzzPortRequests,
  fuzzSecondInstance,
  fuzzSettingsStore,
  type TargetReport,
} from './mainFuzz';
import { Prng } from './prng';

const results: FuzzResults = { engine: [], main: {} };

afterAll(async () => {
  if (results.engine.length === 0 && Object.keys(results.main).length === 0) return;
  process.stdout.write(`${await writeFuzzResults(results)}\n`);
});

function expectClean(r: TargetReport) {
  expect(r.problems.slice(0, 10)).toEqual([]);
  expect(r.thrown).toBe(0);
}

describe('fuzzing the engine contract (real engine process)', () => {
  it('10,000 messages with speech off: alive, one answer per id, one protocol-error per unanswerable', async () => {
    const r = await fuzzEngine({ seed: 0x5eed, count: 10_000, speech: false, burst: 250 });
    results.engine.push(r);
    expect(r.problems.slice(0, 10)).toEqual([]);
    expect(r.pidUnchanged).toBe(true);
    expect(r.settingsAsExpected).toBe(true);
    expect(r.protocolErrors).toBe(r.expectedProtocolErrors);
    // Every kind of message was in the run, answered and dropped alike.
    expect(r.answeredOk).toBeGreaterThan(1000);
    expect(r.answeredError['bad-message']).toBeGreaterThan(500);
    expect(r.answeredError['bad-params']).toBeGreaterThan(1000);
    expect(r.answeredError['unknown-method']).toBeGreaterThan(100);
    expect(r.expectedProtocolErrors).toBeGreaterThan(1000);
  }, 150_000);

  it('2,000 messages with speech on: dictation starts, takes frames and stops among the malformed ones', async () => {
    const r = await fuzzEngine({ seed: 0xd1c7, count: 2000, speech: true, burst: 250 });
    results.engine.push(r);
    expect(r.problems.slice(0, 10)).toEqual([]);
    expect(r.pidUnchanged).toBe(true);
    expect(r.settingsAsExpected).toBe(true);
    expect(r.okByMethod['dictation.start']).toBeGreaterThan(0);
    expect(r.okByMethod['audio.push']).toBeGreaterThan(0);
  }, 90_000);
});

describe("fuzzing main's IPC handlers", () => {
  it('REQUEST_ENGINE_PORT: 10,000 random senders and frames; only our pages get a port, nothing throws', () => {
    const r = fuzzPortRequests(new Prng(0x9057), 10_000);
    results.main['REQUEST_ENGINE_PORT (enginePortRequest + PortBroker)'] = r;
    expectClean(r);
    expect(r.outcomes.sent).toBeGreaterThan(100);
    expect(r.outcomes.refused).toBeGreaterThan(1000);
  });

  it('second-instance: 10,000 random argv arrays and handoff data; malformed data logged, never thrown', () => {
    const r = fuzzSecondInstance(new Prng(0x2157), 10_000);
    results.main['second-instance (secondInstance + commandLine)'] = r;
    expectClean(r);
  });

  it('settings store: 2,000 random updates and file contents; invalid input changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swictation-fuzz-settings-'));
    try {
      const r = await fuzzSettingsStore(new Prng(0x5e77), 2000, dir);
      results.main['settings store (SettingsStore.update / reload)'] = r;
      expectClean(r);
      expect(r.outcomes['update rejected']).toBeGreaterThan(500);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('app:// handler: 5,000 random paths, hosts and methods; only files inside the folder are served, nothing throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swictation-fuzz-protocol-'));
    try {
      const r = await fuzzAppProtocol(new Prng(0xa99), 5000, dir);
      results.main['app:// protocol (handleAppRequest + lookupStatic)'] = r;
      expectClean(r);
      // Every kind of answer was in the run: served, refused, missing, wrong method.
      expect(r.outcomes['200']).toBeGreaterThan(50);
      expect(r.outcomes['403']).toBeGreaterThan(500);
      expect(r.outcomes['404']).toBeGreaterThan(500);
      expect(r.outcomes['405']).toBeGreaterThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
