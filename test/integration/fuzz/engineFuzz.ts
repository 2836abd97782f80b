import { isDeepStrictEqual } from 'node:util';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvelope } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import { forkEngine } from '../engine/forkEngine';
import { nextCase, type FuzzCase } from './contractCases';
import { Prng } from './prng';

export interface EngineFuzzOptions {
  seed: number;
  count: number;
  speech: boolean;
  /** Messages sent before waiting for their answers (keeps every kind of message in flight together). */
  burst: number;
}

export interface EngineFuzzReport {
  seed: number;
  speech: boolean;
  generated: number;
  /** The sender's structured clone refused it (too deep to serialize): never reached the engine. */
  refusedBySender: number;
  byCategory: Record<string, number>;
  answeredOk: number;
  /** Valid requests answered ok, by method: shows which engine paths (dictation, settings) the run reached. */
  okByMethod: Record<string, number>;
  answeredError: Record<string, number>;
  protocolErrors: number;
  expectedProtocolErrors: number;
  validSettingsSets: number;
  pidUnchanged: boolean;
  settingsAsExpected: boolean;
  problems: string[];
  wallMs: number;
}

// The engine's own client numbers its calls from 1; the fuzzer's ids stay clear of them.
const FIRST_ID = 1_000_000;
const MAX_ERROR_LENGTH = 1000;

interface Response {
  ok: boolean;
  code?: string;
  message?: string;
}

/** The real engine process, fed `count` generated messages; every answer checked against its case. */
export async function fuzzEngine(opts: EngineFuzzOptions): Promise<EngineFuzzReport> {
  const home = await mkdtemp(join(tmpdir(), 'swictation-fuzz-'));
  const scenario = join(home, 'scenario.json');
  await writeFile(scenario, JSON.stringify({ models: [], settings: { intervalMs: 200 } }));
  await writeFile(join(home, 'settings.json'), JSON.stringify({ speech: { outputMode: 'none' } }));
  const engine = forkEngine(['--scenario', scenario, '--speech', opts.speech ? 'on' : 'off'], home);
  const started = performance.now();
  try {
    await engine.waitFor((e) => e.type === 'report', 60_000);
    const baseline = await engine.client.call('settings.get');
    const pid = engine.child.pid;
    const responses = new Map<number, Response[]>();
    const problems: string[] = [];
    let protocolErrors = 0;
    engine.child.on('message', (raw: unknown) => {
      const parsed = parseEnvelope(raw);
      if (!parsed.ok) return void problems.push(`engine sent an invalid envelope: ${parsed.error}`);
      const m = parsed.value;
      if (m.kind === 'event') {
        if (m.event.type === 'protocol-error') protocolErrors++;
        return;
      }
      if (m.kind !== 'response' || m.id < FIRST_ID) return;
      const list = responses.get(m.id) ?? [];
      list.push(m.ok ? { ok: true } : { ok: false, code: m.error.code, message: m.error.message });
      responses.set(m.id, list);
    });

    let nextId = FIRST_ID;
    const ctx = { rng: new Prng(opts.seed), nextId: () => nextId++, baseline, speech: opts.speech };
    const sent = new Map<number, FuzzCase>();
    const byCategory: Record<string, number> = {};
    let expectedProtocolErrors = 0;
    let refusedBySender = 0;
    let lastSettings: Settings = baseline;
    let validSettingsSets = 0;
    for (let done = 0; done < opts.count;) {
      const burstIds: number[] = [];
      for (let i = 0; i < opts.burst && done < opts.count; i++, done++) {
        const c = nextCase(ctx);
        byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
        try {
          engine.child.send(c.message as object);
        } catch {
          refusedBySender++;
          continue;
        }
        if (c.expect.answer === 'dropped') expectedProtocolErrors++;
        else {
          const id = (c.message as { id: number }).id;
          sent.set(id, c);
          burstIds.push(id);
        }
        if (c.settings) {
          lastSettings = c.settings;
          validSettingsSets++;
        }
      }
      const settled = await until(
        () => burstIds.every((id) => responses.has(id)) && protocolErrors >= expectedProtocolErrors,
        10_000,
      );
      // A missing answer is a finding, not the end of the run: note it and go on.
      if (!settled) {
        const unanswered = burstIds.filter((id) => !responses.has(id));
        problems.push(
          `timed out after the burst ending at message ${done}: ${unanswered.length} unanswered ` +
            `(${unanswered.map((id) => sent.get(id)?.category).join(', ')}); ` +
            `${protocolErrors}/${expectedProtocolErrors} protocol errors`,
        );
      }
    }
    // One more round trip: anything still in flight from the fuzz has arrived once this answers.
    const pong = await engine.client.call('ping');
    const finalSettings = await engine.client.call('settings.get');

    const answeredError: Record<string, number> = {};
    let answeredOk = 0;
    const okByMethod: Record<string, number> = {};
    for (const [id, list] of responses) {
      const c = sent.get(id);
      if (!c) {
        problems.push(`response to id ${id}, which was never sent with that id`);
        continue;
      }
      if (list.length !== 1) problems.push(`${list.length} responses to id ${id} (${c.category})`);
      const r = list[0] as Response;
      if (r.ok) {
        answeredOk++;
        const method = String((c.message as { method: unknown }).method);
        okByMethod[method] = (okByMethod[method] ?? 0) + 1;
      } else answeredError[r.code ?? '?'] = (answeredError[r.code ?? '?'] ?? 0) + 1;
      const wrong = judge(c, r);
      if (wrong) problems.push(`id ${id} (${c.category}): ${wrong}`);
    }
    for (const [id, c] of sent)
      if (!responses.has(id)) problems.push(`id ${id} (${c.category}) never answered`);
    if (protocolErrors !== expectedProtocolErrors) {
      problems.push(
        `${protocolErrors} protocol-error events for ${expectedProtocolErrors} unanswerable messages`,
      );
    }
    const settingsAsExpected = isDeepStrictEqual(finalSettings, lastSettings);
    if (!settingsAsExpected) problems.push('settings differ from the last valid settings.set');
    return {
      seed: opts.seed,
      speech: opts.speech,
      generated: opts.count,
      refusedBySender,
      byCategory,
      answeredOk,
      okByMethod,
      answeredError,
      protocolErrors,
      expectedProtocolErrors,
      validSettingsSets,
      pidUnchanged: engine.child.exitCode === null && pong.pid === pid,
      settingsAsExpected,
      problems,
      wallMs: performance.now() - started,
    };
  } finally {
    await engine.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/** What is wrong with this response for this case, or null. */
function judge(c: FuzzCase, r: Response): string | null {
  const e = c.expect;
  if (e.answer === 'ok') return r.ok ? null : `expected ok, got ${r.code}: ${r.message}`;
  if (e.answer === 'ok-or-failed') {
    return r.ok || r.code === 'failed' ? null : `expected ok or failed, got ${r.code}: ${r.message}`;
  }
  if (e.answer === 'dropped') return 'expected no response (a protocol-error event)';
  if (r.ok) return `expected ${e.code}, got ok`;
  if (r.code !== e.code) return `expected ${e.code}, got ${r.code}: ${r.message}`;
  const message = r.message ?? '';
  if (!e.mentions.test(message)) return `error "${message.slice(0, 200)}" does not name ${e.mentions}`;
  if (message.length > MAX_ERROR_LENGTH) return `error message of ${message.length} characters`;
  return null;
}

async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
