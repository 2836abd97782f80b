import type { ErrorCode } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import type { Prng } from './prng';

/**
 * Messages for the engine's contract, each with what the contract promises for it. The expectations are
 * written from the contract's rules (envelope v1, request ids, method params), not by asking the engine's
 * own parser, so a parser that lets something through is caught.
 */
export type Expect =
  | { answer: 'ok' }
  /** Depends on engine state (a dictation running or not, speech loaded or not): ok, or an error saying why. */
  | { answer: 'ok-or-failed' }
  | { answer: 'error'; code: ErrorCode; mentions: RegExp }
  /** No usable id: a protocol-error event, no response. */
  | { answer: 'dropped' };

export interface FuzzCase {
  category: string;
  message: unknown;
  expect: Expect;
  /** A valid settings.set: the engine's settings must be these afterwards (until the next valid one). */
  settings?: Settings;
}

export interface CaseContext {
  rng: Prng;
  /** A fresh request id (unique across the run). */
  nextId: () => number;
  baseline: Settings;
  /** The speech model is loaded: dictation methods may succeed (else they must fail, saying why). */
  speech: boolean;
}

const V = 1;
const req = (id: number, method: unknown, params?: unknown) => ({
  v: V,
  kind: 'request',
  id,
  method,
  params,
});
const badParams = (mentions: RegExp): Expect => ({ answer: 'error', code: 'bad-params', mentions });
const badMessage = (mentions: RegExp): Expect => ({ answer: 'error', code: 'bad-message', mentions });
const EMPTY_METHODS = [
  'ping',
  'status',
  'restore',
  'offload',
  'settings.get',
  'report',
  'info',
  'dictation.stop',
];
const ALL_METHODS = [...EMPTY_METHODS, 'settings.set', 'dictation.start', 'audio.push', 'history.list'];

function noise(rng: Prng, n: number, amplitude: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * amplitude;
  return a;
}

function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    at.a = next;
    at = next;
  }
  return root;
}

/** Keys that, merged naively, reach Object.prototype. JSON.parse makes `__proto__` an own key, as a wire would. */
function pollutionKeys(rng: Prng, base: Record<string, unknown>): Record<string, unknown> {
  const key = rng.pick(['__proto__', 'constructor', 'prototype']);
  const payload = key === 'constructor' ? { prototype: { polluted: true } } : { polluted: true };
  return { ...base, ...(JSON.parse(JSON.stringify({ [key]: payload })) as Record<string, unknown>) };
}

function valid(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const id = ctx.nextId();
  const category = 'valid request';
  const method = rng.pick([
    ...EMPTY_METHODS,
    'settings.set',
    'history.list',
    'dictation.start',
    'audio.push',
  ]);
  if (method === 'settings.set') {
    const settings: Settings = {
      ...ctx.baseline,
      memory: { ...ctx.baseline.memory, gpuErrorLimit: rng.int(1, 100) },
    };
    return { category, message: req(id, method, { settings }), expect: { answer: 'ok' }, settings };
  }
  const stateful = method.startsWith('dictation.') || method === 'audio.push' || method === 'history.list';
  // Without a speech model, dictation and history must fail saying so; with one, they depend on the state.
  const expect: Expect = !stateful
    ? { answer: 'ok' }
    : ctx.speech
      ? { answer: 'ok-or-failed' }
      : { answer: 'error', code: 'failed', mentions: /speech/ };
  if (method === 'history.list')
    return { category, message: req(id, method, { limit: rng.int(1, 1000) }), expect };
  if (method === 'dictation.start') return { category, message: req(id, method, { source: 'push' }), expect };
  if (method === 'audio.push') {
    const n = rng.int(0, 1600);
    const samples = rng.chance(0.7) ? noise(rng, n, 0.3) : Array.from(noise(rng, Math.min(n, 400), 1));
    return { category, message: req(id, method, { samples }), expect };
  }
  // No params, null params and {} all mean "no params".
  const params = rng.pick([undefined, {}, null]);
  return { category, message: req(id, method, params), expect };
}

function notAnObject(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const message = rng.pick<() => unknown>([
    () => null,
    () => rng.awkwardNumber(),
    () => rng.string(40),
    () => rng.chance(0.5),
    () => BigInt(rng.int(0, 1e6)),
    () => [V, 'request', ctx.nextId(), 'ping'],
    () => new Date(rng.int(0, 2e12)),
    () => /request/g,
    () => new Map([['id', 1]]),
    () => new Set([1, 2]),
    () => noise(rng, 16, 1),
    () => new ArrayBuffer(rng.int(0, 64)),
  ])();
  return { category: 'not an object', message, expect: { answer: 'dropped' } };
}

function wrongVersion(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const v = rng.pick<unknown>([0, 2, -1, '1', null, 1.5, NaN, true, undefined]);
  const message: Record<string, unknown> = { ...req(ctx.nextId(), 'ping'), v };
  if (v === undefined) delete message.v;
  return { category: 'wrong envelope version', message, expect: badMessage(/protocol version|\bv\b/) };
}

function badId(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const id = rng.pick<unknown>([undefined, -1, 1.5, '3', NaN, Infinity, -Infinity, null, 10n, {}, [1]]);
  const message: Record<string, unknown> = { ...req(0, rng.pick(ALL_METHODS)), id };
  if (id === undefined) delete message.id;
  return { category: 'missing or invalid id', message, expect: { answer: 'dropped' } };
}

function unsafeId(ctx: CaseContext): FuzzCase {
  // Whole numbers past 2^53 are integers to JavaScript, but no valid envelope can carry them back.
  const id = 2 ** 53 + 2 * ctx.nextId();
  return { category: 'id beyond 2^53', message: req(id, 'ping'), expect: { answer: 'dropped' } };
}

function wrongKind(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const id = ctx.nextId();
  const variant = rng.int(0, 3);
  if (variant === 0) {
    return {
      category: 'not a request',
      message: { v: V, kind: 'event', event: { type: 'report', text: rng.string(30) } },
      expect: { answer: 'dropped' },
    };
  }
  if (variant === 1) {
    // A well-formed response sent to the engine: answering it would start a ping-pong, so it is dropped.
    return {
      category: 'not a request',
      message: { v: V, kind: 'response', id, ok: true, result: rng.string(10) },
      expect: { answer: 'dropped' },
    };
  }
  const kind = variant === 2 ? rng.pick<unknown>(['REQUEST', 'call', '', 7, null]) : undefined;
  const message: Record<string, unknown> = { ...req(id, 'ping'), kind };
  if (kind === undefined) delete message.kind;
  return { category: 'bad kind', message, expect: badMessage(/.+/) };
}

function unknownMethod(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const id = ctx.nextId();
  const variant = rng.int(0, 3);
  if (variant === 0) {
    return {
      category: 'unknown method',
      message: req(id, `x.${rng.string(20)}`),
      expect: unknownMethodError(),
    };
  }
  if (variant === 1) {
    const name = rng.pick([
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'PING',
      'ping ',
    ]);
    return { category: 'unknown method', message: req(id, name), expect: unknownMethodError() };
  }
  if (variant === 2) {
    return {
      category: 'method too long',
      message: req(id, 'p'.repeat(rng.int(65, 5000))),
      expect: badMessage(/method/),
    };
  }
  const method = rng.pick<unknown>([42, null, ['ping'], { name: 'ping' }, true]);
  return { category: 'method not a string', message: req(id, method), expect: badMessage(/method/) };
}

function unknownMethodError(): Expect {
  return { answer: 'error', code: 'unknown-method', mentions: /unknown method/ };
}

function wrongParams(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const id = ctx.nextId();
  const category = 'wrong params';
  const variant = rng.int(0, 5);
  if (variant === 0) {
    const method = rng.pick(EMPTY_METHODS);
    const params = rng.chance(0.5)
      ? { [rng.pick(['x', 'limit', 'id', rng.string(8)])]: 1 }
      : pollutionKeys(rng, {});
    return { category, message: req(id, method, params), expect: badParams(new RegExp(escape(method))) };
  }
  if (variant === 1) {
    const method = rng.pick(ALL_METHODS);
    const params = rng.pick<unknown>([7, 'ping', [1, 2], true, rng.awkwardNumber()]);
    return { category, message: req(id, method, params), expect: badParams(new RegExp(escape(method))) };
  }
  if (variant === 2) {
    const limit = rng.pick<unknown>([0, -5, 1.5, NaN, Infinity, '5', 1001, null, 1e12]);
    return { category, message: req(id, 'history.list', { limit }), expect: badParams(/limit/) };
  }
  if (variant === 3) {
    const params = rng.pick<Record<string, unknown>>([
      { source: rng.pick<unknown>(['speaker', '', 7, null, 'PUSH']) },
      {},
      { source: 'file', path: 'x'.repeat(rng.int(4097, 20_000)) },
      { source: 'file', path: rng.pick<unknown>([7, null, ['a']]) },
      { source: 'push', extra: true },
    ]);
    return { category, message: req(id, 'dictation.start', params), expect: badParams(/source|path|key/) };
  }
  if (variant === 4)
    return { category, message: req(id, 'audio.push', badSamples(rng)), expect: badParams(/samples/) };
  return badSettings(ctx, id);
}

function badSamples(rng: Prng): Record<string, unknown> {
  const frame = noise(rng, rng.int(1, 800), 0.5);
  return rng.pick<() => Record<string, unknown>>([
    () => ({}),
    () => ({ samples: Array.from(frame, (x, i) => (i === 0 ? rng.pick([2, -2, 1e9, -1e9]) : x)) }),
    () => ({ samples: Array.from(frame, (x, i) => (i === 0 ? rng.pick([NaN, Infinity, -Infinity]) : x)) }),
    () => ({ samples: frame.map((x, i) => (i === 0 ? rng.pick([NaN, Infinity, -Infinity]) : x)) }),
    () => ({ samples: new Float32Array(rng.int(16_001, 200_000)) }),
    () => ({ samples: new Array<number>(rng.int(16_001, 50_000)).fill(0) }),
    () => ({ samples: rng.pick<unknown>(['0.1,0.2', 7, null, { length: 3 }, new Int16Array(8), ['0.1']]) }),
  ])();
}

function badSettings(ctx: CaseContext, id: number): FuzzCase {
  const { rng, baseline } = ctx;
  const broken = rng.pick<() => unknown>([
    () => undefined,
    () => rng.string(20),
    () => ({ ...baseline, memory: { ...baseline.memory, gpuErrorLimit: rng.awkwardNumber() } }),
    () => ({ ...baseline, memory: { ...baseline.memory, intervalMs: rng.pick([-1, 0, 1.5, NaN, 1e12]) } }),
    () => ({
      ...baseline,
      memory: {
        ...baseline.memory,
        thresholds: { warning: 0.95, critical: 0.9, emergency: 0.97, restore: 0.6 },
      },
    }),
    () => ({ ...baseline, [rng.pick(['memroy', 'extra', 'Version'])]: 1 }),
    () => pollutionKeys(rng, { ...baseline }),
    () => ({ ...baseline, memory: pollutionKeys(rng, { ...baseline.memory }) }),
    () => ({ ...baseline, version: rng.pick<unknown>([0, 2, '1', null]) }),
  ])();
  const params = rng.chance(0.9) ? { settings: broken } : { settings: baseline, extra: 1 };
  return { category: 'invalid settings', message: req(id, 'settings.set', params), expect: badParams(/.+/) };
}

function hostileShape(ctx: CaseContext): FuzzCase {
  const { rng } = ctx;
  const variant = rng.int(0, 3);
  if (variant === 0) {
    const depth = rng.int(100, 1000);
    const withId = rng.chance(0.5);
    const id = ctx.nextId();
    const message = withId ? req(id, 'ping', nested(depth)) : nested(depth);
    return {
      category: 'deep nesting',
      message,
      expect: withId ? badParams(/ping/) : { answer: 'dropped' },
    };
  }
  if (variant === 1) {
    const message = pollutionKeys(rng, req(ctx.nextId(), 'ping'));
    return { category: 'prototype-pollution keys', message, expect: badMessage(/.+/) };
  }
  if (variant === 2) {
    const message: Record<string, unknown> = req(ctx.nextId(), 'settings.get');
    message.self = message;
    return { category: 'circular reference', message, expect: badMessage(/.+/) };
  }
  const message = req(ctx.nextId(), 'ping', { blob: 'x'.repeat(rng.int(100_000, 2_000_000)) });
  return { category: 'huge string', message, expect: badParams(/ping/) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One case; the weights put most of the run on malformed input and a steady share on valid requests. */
export function nextCase(ctx: CaseContext): FuzzCase {
  const r = ctx.rng.next();
  if (r < 0.25) return valid(ctx);
  if (r < 0.33) return notAnObject(ctx);
  if (r < 0.4) return wrongVersion(ctx);
  if (r < 0.47) return badId(ctx);
  if (r < 0.49) return unsafeId(ctx);
  if (r < 0.55) return wrongKind(ctx);
  if (r < 0.63) return unknownMethod(ctx);
  if (r < 0.93) return wrongParams(ctx);
  return hostileShape(ctx);
}
