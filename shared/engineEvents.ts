import { z } from 'zod';
import type { GpuSample } from './gpuSample';
import { LEVELS } from './pressurePolicy';
import { settingsSchema } from './settings';

/**
 * What the engine tells the world: the CLI prints these, the UI draws them, tests assert on them.
 * Schemas, not just types: every receiver validates what arrives.
 */
const level = z.enum(LEVELS);
const device = z.enum(['gpu', 'cpu']);
export type DeviceName = z.infer<typeof device>;

export const gpuSampleSchema = z.object({
  atMs: z.number(),
  gpu: z.object({
    index: z.number().int(),
    uuid: z.string(),
    name: z.string(),
    vendor: z.enum(['nvidia', 'amd', 'simulated']),
  }),
  totalMiB: z.number(),
  freeMiB: z.number(),
  usedMiB: z.number(),
  reservedMiB: z.number().nullable(),
  processMiB: z.number().nullable(),
  topProcesses: z.array(
    z.object({ pid: z.number().int(), name: z.string(), usedMiB: z.number().nullable() }),
  ),
});

export const modelStatusSchema = z.object({
  id: z.string(),
  role: z.string(),
  device,
  ep: z.string(),
  vramMiB: z.number(),
  estimateMiB: z.number(),
  reason: z.string(),
  movedAtMs: z.number(),
  /** The GPU it runs on (its index), null on the CPU. */
  gpu: z.number().int().nullable(),
  /** True while the model holds no session (idle unload): it loads again when dictation starts. */
  unloaded: z.boolean().optional(),
});
export type ModelStatus = z.infer<typeof modelStatusSchema>;

/** A GPU's pressure level and memory figures: each watched GPU's, and the status's own (the most pressed GPU's). */
const memoryFigures = {
  level,
  usage: z.number(),
  totalMiB: z.number(),
  usedMiB: z.number(),
  freeMiB: z.number(),
  reservedMiB: z.number().nullable(),
};

/** One watched GPU: its identity, its own level and figures, and its own GPU error strikes. */
export const gpuStatusSchema = z.object({
  index: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  vendor: z.string(),
  ...memoryFigures,
  lastSampleAtMs: z.number().nullable(),
  /** GPU errors on this GPU within the strike window; at the limit the GPU is `out` (no model goes there). */
  strikes: z.number().int(),
  out: z.boolean(),
});
export type GpuStatus = z.infer<typeof gpuStatusSchema>;

/**
 * The top-level level and figures are those of the most pressed GPU, so a one-GPU client reads them as before;
 * `gpus` lists every watched GPU.
 */
export const engineStatusSchema = z.object({
  ...memoryFigures,
  gpu: z.object({ name: z.string(), index: z.number(), uuid: z.string(), vendor: z.string() }).nullable(),
  gpus: z.array(gpuStatusSchema),
  probe: z.object({ kind: z.string(), ok: z.boolean(), error: z.string().optional() }),
  models: z.array(modelStatusSchema),
  /**
   * `count`: GPU errors since Restore to GPU last cleared them; `inWindow`: those within the last `windowMs`,
   * the strikes that count towards `limit` (the permanent CPU fallback).
   */
  gpuErrors: z.object({
    count: z.number().int(),
    limit: z.number().int(),
    inWindow: z.number().int(),
    windowMs: z.number().int(),
  }),
  permanentCpu: z.boolean(),
  /** The user pressed Offload to CPU: no automatic restore until they press Restore. */
  pinnedByUser: z.boolean(),
  /** Why Restore to GPU cannot succeed now (the UI disables the button with it), or null. */
  restoreBlocker: z.string().nullable(),
  lastSampleAtMs: z.number().nullable(),
  /** How often the GPU is read now: the calm interval, or faster near a threshold (adaptive sampling). */
  samplingIntervalMs: z.number(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export const ACTION_NAMES = [
  'light-cleanup',
  'aggressive-cleanup',
  'prewarm-standby',
  'offload',
  'drop-standby',
  'idle-release',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export const engineEventSchema = z.discriminatedUnion('type', [
  /**
   * The engine's status, pushed: after every change that matters (a level, a placement, a strike, the probe,
   * the restore blocker, each sample's figures), at most one every few hundred ms, the latest always sent.
   * Clients ask for `status` once when they connect and follow these after.
   */
  z.object({ type: z.literal('status'), status: engineStatusSchema }),
  /** Settings the engine accepted (saved and applied), whoever changed them: main re-binds the hotkey from it. */
  z.object({ type: z.literal('settings'), settings: settingsSchema }),
  z.object({ type: z.literal('sample'), sample: gpuSampleSchema, usage: z.number() }),
  /** A GPU's level changed (`gpu`: its index; absent from engines that watch one GPU). */
  z.object({
    type: z.literal('level'),
    from: level,
    to: level,
    usage: z.number(),
    gpu: z.number().int().optional(),
  }),
  z.object({
    type: z.literal('action'),
    name: z.enum(ACTION_NAMES),
    level,
    ms: z.number(),
    /** GPU memory this process gave back, as the probe attributes it; null when the probe cannot tell. */
    freedMiB: z.number().nullable(),
    /** JS heap a garbage collection gave back (cleanup actions). */
    heapFreedMiB: z.number().optional(),
    detail: z.string().optional(),
  }),
  z.object({
    type: z.literal('placement'),
    model: z.string(),
    from: device.nullable(),
    to: device,
    reason: z.string(),
    /** Until the model served from its new place. */
    ms: z.number(),
    /** Leaving the GPU: when its session was released (an EMERGENCY frees the GPU before the CPU copy is ready). */
    releasedMs: z.number().optional(),
    /** To a GPU: which one (its index). */
    gpu: z.number().int().optional(),
    /** From a GPU (GPU → GPU, GPU → CPU): which one. */
    fromGpu: z.number().int().optional(),
  }),
  z.object({
    type: z.literal('gpu-error'),
    kind: z.string(),
    /** The GPU that failed (its index); its own strikes are `inWindow`. */
    gpu: z.number().int().nullable(),
    /** Errors since the last Restore to GPU; `inWindow` of them within `windowMs` count towards `limit`. */
    count: z.number().int(),
    inWindow: z.number().int(),
    windowMs: z.number().int(),
    limit: z.number().int(),
    retriedOn: device.nullable(),
    model: z.string().nullable(),
    message: z.string(),
  }),
  z.object({ type: z.literal('permanent-cpu'), on: z.boolean() }),
  z.object({ type: z.literal('refused'), command: z.string(), reason: z.string() }),
  z.object({ type: z.literal('probe'), ok: z.boolean(), error: z.string().optional() }),
  z.object({ type: z.literal('report'), text: z.string() }),
  /** A finished transcript: what was said, where it ran, and end-of-speech → text latency. */
  z.object({
    type: z.literal('transcript'),
    id: z.number().int(),
    text: z.string(),
    device,
    ep: z.string(),
    latencyMs: z.number(),
    startMs: z.number(),
    endMs: z.number(),
    retriedOnCpu: z.boolean(),
    /** Transcribed after an engine restart from the dictation journal (its session died mid-utterance). */
    recovered: z.boolean().optional(),
  }),
  /**
   * Dictation started, was asked to stop (`transcribing`: the input has ended, the last words are being
   * recognized), or stopped; `queued` utterances wait for the recognizer (e.g. while a model moves).
   */
  z.object({
    type: z.literal('dictation'),
    state: z.enum(['listening', 'transcribing', 'stopped']),
    source: z.string(),
    queued: z.number().int(),
  }),
  /**
   * The loudness of the audio a dictation receives (0 to 1, shared/inputLevel.ts), per 100 ms of audio while
   * it listens, sent only when it moved: windows that do not capture (the overlay, a popover when the hotkey
   * started the engine's recorder) draw their meter from it.
   */
  z.object({ type: z.literal('input'), level: z.number().min(0).max(1) }),
  /** The speech model behind dictation changed (engine start, a switch); `problem` says why there is none. */
  z.object({
    type: z.literal('speech'),
    model: z.object({ id: z.string(), source: z.string() }).nullable(),
    problem: z.string().nullable(),
  }),
  /**
   * A model download (models.pull): started, progress (at most a few per second), then exactly one of done,
   * failed (`retryable`: a later pull resumes where this one stopped) or cancelled.
   */
  z.object({
    type: z.literal('download'),
    modelId: z.string(),
    state: z.enum(['started', 'progress', 'done', 'failed', 'cancelled']),
    /** Bytes on disk so far (resumed bytes included) and the published total, null when unknown. */
    bytes: z.number().nonnegative(),
    total: z.number().nonnegative().nullable(),
    file: z.string().optional(),
    message: z.string().optional(),
    retryable: z.boolean().optional(),
  }),
  /** Background work that failed (an action, a move): reported, never fatal. */
  z.object({ type: z.literal('failure'), during: z.string(), message: z.string() }),
  /** A message the engine could not accept and could not answer (no usable id). */
  z.object({ type: z.literal('protocol-error'), message: z.string() }),
]);
export type EngineEvent = z.infer<typeof engineEventSchema>;
export type EngineEventType = EngineEvent['type'];

// The schema and the engine's GpuSample type must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const sampleSchemaMatchesType: Same<z.infer<typeof gpuSampleSchema>, GpuSample> = true;
