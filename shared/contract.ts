import { z } from 'zod';
import { engineEventSchema, engineStatusSchema } from './engineEvents';
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
  /** 16 kHz mono samples for a `push` dictation (≤ 1 s per message). */
  'audio.push': {
    params: z.strictObject({
      samples: z
        .union([z.instanceof(Float32Array), z.array(z.number().min(-1).max(1))])
        .refine((a) => a.length <= 16_000, {
          error: 'at most 16000 samples (1 s) per message',
        }),
    }),
    result: z.object({ buffered: z.number() }),
  },
  'history.list': {
    params: z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
    result: z.object({
      entries: z.array(
        z.object({
          id: z.string(),
          atMs: z.number(),
          text: z.string(),
          device: z.string(),
          ep: z.string(),
          latencyMs: z.number(),
          durationMs: z.number(),
          source: z.string(),
        }),
      ),
    }),
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

export const errorCodes = ['bad-message', 'bad-params', 'unknown-method', 'failed'] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const envelopeSchema = z.union([
  z.strictObject({
    v: version,
    kind: z.literal('request'),
    id,
    method: z.string().max(64),
    params: z.unknown().optional(),
  }),
  z.strictObject({ v: version, kind: z.literal('response'), id, ok: z.literal(true), result: z.unknown() }),
  z.strictObject({
    v: version,
    kind: z.literal('response'),
    id,
    ok: z.literal(false),
    error: z.object({ code: z.enum(errorCodes), message: z.string() }),
  }),
  z.strictObject({ v: version, kind: z.literal('event'), event: engineEventSchema }),
]);
export type Envelope = z.infer<typeof envelopeSchema>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid message';
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export function parseEnvelope(raw: unknown): Parsed<Envelope> {
  const r = envelopeSchema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
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
