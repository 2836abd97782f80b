import { z } from 'zod';
import { engineEventSchema, engineStatusSchema } from './engineEvents';
import { historyEntrySchema } from './historyEntry';
import { LEVELS } from './pressurePolicy';
import { settingsSchema } from './settings';

/**
 * The one contract between the engine and its clients (main, renderer, CLI, browser harness).
 * Every message is an envelope with the protocol version; every payload is validated on receipt.
 */
export const PROTOCOL_VERSION = 1;

export const commandResultSchema = z.object({
  ok: z.boolean(),
  reasons: z.array(z.string()),
  moved: z.array(z.string()),
});

const empty = z.strictObject({});

const modelId = z
  .string({ error: 'id must be a model id' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { error: 'id must be a model id (letters, digits, . _ -)' });

/** One model the user can pick: from the catalog, installed, or both. */
export const modelListingEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  family: z.string().nullable(),
  /** Published download size in bytes (null: unknown, or bundled with the app). */
  downloadBytes: z.number().nullable(),
  expectedVramMiB: z.number().nullable(),
  installed: z.boolean(),
  bundled: z.boolean(),
  /** Some file has no confirmed checksum: installing needs the user's explicit consent. */
  unverified: z.boolean(),
  inCatalog: z.boolean(),
  licence: z.string().nullable(),
  notes: z.string().nullable(),
  /** A download of it is running now. */
  downloading: z.boolean(),
  /** An installed folder that is damaged or unreadable. */
  problem: z.string().nullable(),
});
export type ModelListingEntry = z.infer<typeof modelListingEntrySchema>;

export const modelListingSchema = z.object({
  modelsDir: z.string(),
  models: z.array(modelListingEntrySchema),
  /** What dictation runs now (id and where it came from); null when no speech model is loaded. */
  active: z.object({ id: z.string(), source: z.string() }).nullable(),
  /** Why speech is unavailable; null when it works. */
  speechProblem: z.string().nullable(),
  /** The engine runs speech at all (an engine started with --speech off has no model to choose). */
  speechEnabled: z.boolean(),
});
export type ModelListing = z.infer<typeof modelListingSchema>;

/** One past reading, compact: enough to draw the timeline (time, usage 0..1, the level it was judged at). */
export const recentSampleSchema = z.object({
  atMs: z.number(),
  usage: z.number(),
  level: z.enum(LEVELS).optional(),
});
export type RecentSample = z.infer<typeof recentSampleSchema>;

/** Each method: what its params must be and what its result is. */
export const methods = {
  ping: { params: empty, result: z.object({ protocol: z.number(), pid: z.number() }) },
  status: { params: empty, result: engineStatusSchema },
  restore: { params: empty, result: commandResultSchema },
  offload: { params: empty, result: commandResultSchema },
  'settings.get': { params: empty, result: settingsSchema },
  /** Params are validated by the settings schema itself, so the error names the field. */
  'settings.set': { params: z.strictObject({ settings: z.unknown() }), result: settingsSchema },
  report: { params: empty, result: z.object({ text: z.string() }) },
  /** Start dictating from the microphone (the engine's recorder), pushed frames (the renderer), or a WAV file. */
  'dictation.start': {
    params: z.strictObject({
      source: z.enum(['push', 'mic', 'file'], { error: 'source must be push, mic or file' }),
      path: z.string().max(4096).optional(),
    }),
    result: z.object({ source: z.string() }),
  },
  'dictation.stop': { params: empty, result: z.object({ transcripts: z.number().int() }) },
  /**
   * Where dictation is now, asked once on connecting (then `dictation` events follow): a window opened during a
   * dictation the hotkey or the tray started shows it. `listeningForMs` is relative, so clocks need not agree.
   */
  'dictation.state': {
    params: empty,
    result: z.object({
      state: z.enum(['listening', 'transcribing', 'stopped']),
      source: z.string().nullable(),
      listeningForMs: z.number().nonnegative().nullable(),
    }),
  },
  /** 16 kHz mono samples for a `push` dictation (≤ 1 s per message). */
  'audio.push': {
    params: z.strictObject({
      samples: z
        .union(
          [
            // NaN or Infinity would reach the VAD and the model as garbage: refused like out-of-range numbers.
            z.instanceof(Float32Array).refine((a) => a.every(Number.isFinite), {
              error: 'samples must be finite numbers',
            }),
            z.array(z.number().min(-1).max(1)),
          ],
          { error: 'samples must be a Float32Array or an array of numbers from -1 to 1' },
        )
        .refine((a) => a.length <= 16_000, {
          error: 'at most 16000 samples (1 s) per message',
        }),
    }),
    result: z.object({ buffered: z.number() }),
  },
  /**
   * The readings of the last `windowMs` (5 minutes), oldest first. Asked once on connecting, beside `status`,
   * then `sample` events follow: a request rather than a push on connect because the engine does not know
   * when a window's client is listening (a push could land before its handler), and the answer arrives on
   * the same call/timeout path the window already uses for its other connect-time state.
   */
  'samples.recent': {
    params: empty,
    result: z.object({ windowMs: z.number(), samples: z.array(recentSampleSchema) }),
  },
  /** Delete one transcript by its id; `deleted` is false when the history has no such entry. */
  'history.delete': {
    params: z.strictObject({
      id: z
        .string({ error: 'id must be a history entry id' })
        .min(1, { error: 'id must not be empty' })
        .max(200, { error: 'id must be at most 200 characters' }),
    }),
    result: z.object({ deleted: z.boolean() }),
  },
  /** Delete every transcript (the UI asks the user to confirm first). */
  'history.clear': { params: empty, result: z.object({ cleared: z.boolean() }) },
  'history.list': {
    params: z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
    result: z.object({ entries: z.array(historyEntrySchema) }),
  },
  /** The catalog and what is installed, which model dictation uses now, and why none when it has none. */
  'models.list': { params: empty, result: modelListingSchema },
  /**
   * Install a catalog model: bundled ones at once ('installed'), others in the background ('started'), with
   * `download` events until done, failed or cancelled. Files without a confirmed checksum need allowUnverified.
   */
  'models.pull': {
    params: z.strictObject({ id: modelId, allowUnverified: z.boolean().optional() }),
    result: z.object({ id: z.string(), state: z.enum(['started', 'installed']) }),
  },
  /** Stop a running download; its partial files stay so a later pull resumes. */
  'models.cancel': {
    params: z.strictObject({ id: modelId }),
    result: z.object({ cancelled: z.boolean() }),
  },
  /**
   * Main's word that the user confirmed, in main's own dialog, installing this model without confirmed
   * checksums: a window's next `models.pull` of it with allowUnverified is then accepted (once, for a short
   * while). Trusted clients only (see shared/capabilities.ts).
   */
  'models.consent': {
    params: z.strictObject({ id: modelId }),
    result: z.object({ id: z.string(), validForMs: z.number() }),
  },
  /** What `doctor` and the UI show about the engine's start: settings problems, probes, providers. */
  info: {
    params: empty,
    result: z.object({
      settingsFile: z.string(),
      settingsProblem: z.object({ message: z.string(), keptAs: z.string().nullable() }).nullable(),
      probes: z.array(z.object({ kind: z.string(), ok: z.boolean(), error: z.string().optional() })),
      executionProviders: z
        .object({
          gpuEp: z.string().nullable(),
          results: z.array(
            z.object({ ep: z.string(), ok: z.boolean(), ms: z.number(), error: z.string().optional() }),
          ),
        })
        .nullable(),
      /** The engine process's memory and event-loop lag (soak runs and diagnostics read it). */
      runtime: z.object({
        rssMiB: z.number(),
        heapUsedMiB: z.number(),
        uptimeS: z.number(),
        eventLoopDelayMs: z.object({
          p50: z.number(),
          p99: z.number(),
          max: z.number(),
          samples: z.number(),
        }),
      }),
    }),
  },
} as const;

export type Method = keyof typeof methods;
export type ParamsOf<M extends Method> = z.infer<(typeof methods)[M]['params']>;
export type ResultOf<M extends Method> = z.infer<(typeof methods)[M]['result']>;
export const METHOD_NAMES = Object.keys(methods) as Method[];

const version = z.literal(PROTOCOL_VERSION, { error: `protocol version must be ${PROTOCOL_VERSION}` });
const id = z.number().int().nonnegative();

/** `forbidden`: a valid request this client may not make (shared/capabilities.ts). */
export const errorCodes = ['bad-message', 'bad-params', 'unknown-method', 'forbidden', 'failed'] as const;
export type ErrorCode = (typeof errorCodes)[number];

const requestEnvelope = z.strictObject({
  v: version,
  kind: z.literal('request'),
  id,
  method: z.string().max(64),
  params: z.unknown().optional(),
});
const okResponseEnvelope = z.strictObject({
  v: version,
  kind: z.literal('response'),
  id,
  ok: z.literal(true),
  result: z.unknown(),
});
const errorResponseEnvelope = z.strictObject({
  v: version,
  kind: z.literal('response'),
  id,
  ok: z.literal(false),
  error: z.object({ code: z.enum(errorCodes), message: z.string() }),
});
const eventEnvelope = z.strictObject({ v: version, kind: z.literal('event'), event: engineEventSchema });

export const envelopeSchema = z.union([
  requestEnvelope,
  okResponseEnvelope,
  errorResponseEnvelope,
  eventEnvelope,
]);
/** Read first on failure: the union alone reports only "Invalid input", which names nothing. */
const envelopeHead = z.object(
  {
    v: version,
    kind: z.enum(['request', 'response', 'event'], { error: 'kind must be request, response or event' }),
  },
  { error: 'a message must be an object' },
);
export type Envelope = z.infer<typeof envelopeSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export function parseEnvelope(raw: unknown): Parsed<Envelope> {
  const r = envelopeSchema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const head = envelopeHead.safeParse(raw);
  if (!head.success) return { ok: false, error: firstIssue(head.error) };
  // The one shape this message claims to be says what is wrong with it.
  const claimed =
    head.data.kind === 'request'
      ? requestEnvelope
      : head.data.kind === 'event'
        ? eventEnvelope
        : (raw as { ok?: unknown }).ok === true
          ? okResponseEnvelope
          : errorResponseEnvelope;
  const why = claimed.safeParse(raw);
  return { ok: false, error: why.success ? firstIssue(r.error) : firstIssue(why.error) };
}

export function isMethod(name: string): name is Method {
  return Object.hasOwn(methods, name);
}

export function parseParams<M extends Method>(method: M, params: unknown): Parsed<ParamsOf<M>> {
  const r = methods[method].params.safeParse(params ?? {});
  return r.success ? { ok: true, value: r.data as ParamsOf<M> } : { ok: false, error: firstIssue(r.error) };
}

export function parseResult<M extends Method>(method: M, result: unknown): Parsed<ResultOf<M>> {
  const r = methods[method].result.safeParse(result);
  return r.success ? { ok: true, value: r.data as ResultOf<M> } : { ok: false, error: firstIssue(r.error) };
}

export const request = (reqId: number, method: Method, params: unknown = {}): Envelope => ({
  v: PROTOCOL_VERSION,
  kind: 'request',
  id: reqId,
  method,
  params,
});
