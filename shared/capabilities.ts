import type { Method, ParamsOf } from './contract';

/**
 * Who is on the other end of an engine port, and so what it may ask for.
 *
 * - `trusted`: the engine's parent link — main's own client (tray, menu, hotkey), the CLI (in-process),
 *   tests, and the browser harness's own client. They may use every method and parameter.
 * - `window`: a port main brokered for one window (`attach-port`). A renderer runs web content; if it were
 *   ever compromised it must not be able to read files, or install a model whose bytes nobody vouched
 *   for, through the engine. It may drive dictation from pushed audio or the microphone, read status,
 *   history and settings, change settings, and install verified models.
 * - `overlay`: the recording overlay's port. It shows dictation and stops it, nothing more: it reads status,
 *   settings (the hotkey it names) and info, and may stop dictation; no history, models, settings changes,
 *   audio or starting.
 */
export type ClientKind = 'trusted' | 'window' | 'overlay';

/** What the overlay may ask for (see `overlay` above). */
export const OVERLAY_METHODS: ReadonlySet<Method> = new Set<Method>([
  'ping',
  'status',
  'settings.get',
  'info',
  'dictation.stop',
  'dictation.state',
]);

/**
 * Main names each window's port `<role>:<window id>`; the role decides the capabilities, so the overlay's
 * port is served as an overlay however its page behaves.
 */
export const OVERLAY_PORT_PREFIX = 'overlay:';

export function windowKindOf(portName: string): Exclude<ClientKind, 'trusted'> {
  return portName.startsWith(OVERLAY_PORT_PREFIX) ? 'overlay' : 'window';
}

/** What the engine knows when it judges a request (consents main recorded, the settings in force). */
export interface CapabilityContext {
  /** Main confirmed, in its own dialog, installing this model without confirmed checksums (one use). */
  takeUnverifiedConsent(id: string): boolean;
  /** The speech model setting in force (a window may keep a folder set from the command line, not name one). */
  currentSpeechModel(): string;
}

/** `allowed`, `trusted-only`, or a check of the params returning why it is refused (null: allowed). */
type WindowRule<M extends Method> =
  'allowed' | 'trusted-only' | ((params: ParamsOf<M>, ctx: CapabilityContext) => string | null);

const NO_PATHS = 'a window cannot name file paths: dictation from a file is for the command line and tests';
const NO_MODEL_FOLDER =
  'a window cannot name file paths: choose an installed model by its id; a model folder is set from the command line';

/** A model setting that may be a path (a folder): anything but empty (automatic) or a plain model id. */
function isPath(model: string): boolean {
  return model !== '' && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(model);
}

/** settings.set from a window: any value but a new model folder (keeping the one in force is fine). */
function settingsRefusal(settings: unknown, ctx: CapabilityContext): string | null {
  if (typeof settings !== 'object' || settings === null) return null; // the schema answers that
  const speech = (settings as { speech?: unknown }).speech;
  if (typeof speech !== 'object' || speech === null) return null;
  const model = (speech as { model?: unknown }).model;
  if (typeof model !== 'string' || !isPath(model)) return null;
  return model === ctx.currentSpeechModel() ? null : NO_MODEL_FOLDER;
}

/**
 * The capability table for windows. A mapped type over every method: a new method does not compile until
 * someone decides what a window may do with it.
 */
export const WINDOW_RULES: { [M in Method]: WindowRule<M> } = {
  ping: 'allowed',
  status: 'allowed',
  'samples.recent': 'allowed',
  restore: 'allowed',
  offload: 'allowed',
  'settings.get': 'allowed',
  'settings.set': (p, ctx) => settingsRefusal(p.settings, ctx),
  report: 'allowed',
  'dictation.start': (p) => (p.source === 'file' || p.path !== undefined ? NO_PATHS : null),
  'dictation.stop': 'allowed',
  'dictation.state': 'allowed',
  'audio.push': 'allowed',
  'history.list': 'allowed',
  // The user's own transcripts: the window that shows them may delete them.
  'history.delete': 'allowed',
  'history.clear': 'allowed',
  'models.list': 'allowed',
  'models.pull': (p, ctx) =>
    p.allowUnverified === true && !ctx.takeUnverifiedConsent(p.id)
      ? `installing ${p.id} without confirmed checksums needs the user's confirmation in the app's own dialog`
      : null,
  'models.cancel': 'allowed',
  'models.consent': 'trusted-only',
  info: 'allowed',
};

/** Why `client` may not make this request, or null when it may. */
export function refusal<M extends Method>(
  client: ClientKind,
  method: M,
  params: ParamsOf<M>,
  ctx: CapabilityContext,
): string | null {
  if (client === 'trusted') return null;
  if (client === 'overlay')
    return OVERLAY_METHODS.has(method)
      ? null
      : `${method} is not available to the recording overlay (it shows dictation and can only stop it)`;
  const rule: WindowRule<M> = WINDOW_RULES[method];
  if (rule === 'allowed') return null;
  if (rule === 'trusted-only') return `${method} is not available to a window`;
  return rule(params, ctx);
}
