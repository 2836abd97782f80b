import {
  PROTOCOL_VERSION,
  isMethod,
  parseEnvelope,
  parseParams,
  type ErrorCode,
  type Method,
  type ParamsOf,
  type ResultOf,
} from '../../../shared/contract';
import { refusal, type ClientKind } from '../../../shared/capabilities';
import type { EngineEvent } from '../../../shared/engineEvents';
import type { Port } from '../../../shared/port';
import { SettingsRejected, type Engine } from '../engine';
import { ConsentBook } from './consentBook';
import { monitorProcessHealth, processHealth } from './processHealth';

export interface ServerStats {
  requests: number;
  errors: number;
  dropped: number;
}

/** One method's handler: its params as the contract validated them, its result as the contract declares it. */
type Handler<M extends Method> = (engine: Engine, params: ParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;
type Handlers = { [M in Method]: Handler<M> };

const handlers: Handlers = {
  ping: () => ({ protocol: PROTOCOL_VERSION, pid: process.pid }),
  status: (e) => e.status(),
  'samples.recent': (e) => e.recentSamples(),
  restore: (e) => e.restore(),
  offload: (e) => e.offload(),
  'settings.get': (e) => e.getSettings(),
  'settings.set': (e, p) => inTurn(e, () => e.setSettings(p.settings)),
  report: (e) => ({ text: e.report() }),
  'dictation.start': (e, p) => e.dictation.start(p.source, p.path),
  'dictation.stop': async (e) => ({ transcripts: await e.dictation.stop() }),
  'dictation.state': (e) => e.dictationState(),
  'audio.push': (e, { samples }) => ({
    buffered: e.dictation.push(samples instanceof Float32Array ? samples : Float32Array.from(samples)),
  }),
  'history.list': async (e, p) => ({ entries: await e.listHistory(p.limit ?? 50) }),
  'history.delete': async (e, p) => ({ deleted: await e.deleteHistory(p.id) }),
  'history.clear': async (e) => {
    await e.clearHistory();
    return { cleared: true };
  },
  'models.list': (e) => e.listModels(),
  'models.pull': (e, p) => e.library.pull(p.id, p.allowUnverified === true),
  'models.cancel': (e, p) => ({ cancelled: e.library.cancel(p.id) }),
  'models.consent': (e, p) => ({ id: p.id, validForMs: consentsOf(e).grant(p.id) }),
  info: (e) => ({
    settingsFile: e.settingsFile,
    settingsProblem: e.settingsProblem,
    probes: e.probeAttempts,
    executionProviders: e.executionProviders,
    runtime: processHealth(),
  }),
};

export interface ServeOptions {
  /** What the client on this port may ask for (default trusted: the parent link). */
  client?: ClientKind;
  stats?: ServerStats;
}

/**
 * Serves the contract on a port: validates every request on receipt, checks it against what this port's
 * client may do (shared/capabilities.ts), answers each with a result or an error, and drops what cannot be
 * answered with a protocol-error event. Nothing thrown escapes.
 */
export function serveEngine(port: Port, engine: Engine, opts: ServeOptions = {}) {
  const stats = opts.stats ?? { requests: 0, errors: 0, dropped: 0 };
  const client = opts.client ?? 'trusted';
  const ctx = {
    takeUnverifiedConsent: (id: string) => consentsOf(engine).take(id),
    currentSpeechModel: () => engine.getSettings().speech.model,
  };
  const reply = (
    id: number,
    body: { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string } },
  ) => port.post({ v: PROTOCOL_VERSION, kind: 'response', id, ...body });
  const fail = (id: number, code: ErrorCode, message: string) => {
    stats.errors++;
    reply(id, { ok: false, error: { code, message } });
  };

  monitorProcessHealth();
  const stop = port.onMessage((raw) => {
    stats.requests++;
    const parsed = parseEnvelope(raw);
    if (!parsed.ok) {
      const id = idOf(raw);
      if (id !== null) fail(id, 'bad-message', parsed.error);
      else {
        stats.dropped++;
        sendEvent(port, { type: 'protocol-error', message: `dropped a message: ${parsed.error}` });
      }
      return;
    }
    const m = parsed.value;
    if (m.kind !== 'request') {
      stats.dropped++;
      sendEvent(port, {
        type: 'protocol-error',
        message: `dropped a ${m.kind}: the engine accepts requests only`,
      });
      return;
    }
    if (!isMethod(m.method)) {
      fail(m.id, 'unknown-method', `unknown method "${m.method}"`);
      return;
    }
    const params = parseParams(m.method, m.params);
    if (!params.ok) {
      fail(m.id, 'bad-params', `${m.method}: ${params.error}`);
      return;
    }
    const refused = refusal(client, m.method, params.value, ctx);
    if (refused !== null) {
      fail(m.id, 'forbidden', `${m.method}: ${refused}`);
      return;
    }
    void run(m.method, engine, params.value).then(
      (result) => reply(m.id, { ok: true, result }),
      (error: unknown) =>
        error instanceof SettingsRejected
          ? fail(m.id, 'bad-params', error.message)
          : fail(m.id, 'failed', error instanceof Error ? error.message : String(error)),
    );
  });
  return { stats, stop };
}

export function sendEvent(port: Port, event: EngineEvent): void {
  port.post({ v: PROTOCOL_VERSION, kind: 'event', event });
}

/**
 * settings.set saves the file, then applies: two at once could finish out of order (the older one winning)
 * and share the temporary file. Per engine, one at a time, in arrival order, over every port.
 */
const settingsTurns = new WeakMap<Engine, Promise<unknown>>();
function inTurn<T>(engine: Engine, work: () => Promise<T>): Promise<T> {
  const next = (settingsTurns.get(engine) ?? Promise.resolve()).then(work);
  settingsTurns.set(
    engine,
    next.catch(() => undefined),
  );
  return next;
}

/** Consents main gave for windows, per engine (every port of one engine shares them). */
const consents = new WeakMap<Engine, ConsentBook>();
function consentsOf(engine: Engine): ConsentBook {
  let book = consents.get(engine);
  if (!book) consents.set(engine, (book = new ConsentBook()));
  return book;
}

/**
 * Handlers may be sync or async, and may throw: both become one promise. Generic in the method, so the
 * handler found is the one whose params type the validated params have.
 */
function run<M extends Method>(method: M, engine: Engine, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const handler: Handler<M> = handlers[method];
  return Promise.resolve().then(() => handler(engine, params));
}

function idOf(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  // Past 2^53 an id is not one the contract accepts: a reply carrying it would be invalid in turn.
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}
