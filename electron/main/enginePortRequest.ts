import type { BrokerResult, BrokerWindow, ClosablePort } from './portBroker';
import { isTrustedSender } from './windowPolicy';

/**
 * The REQUEST_ENGINE_PORT handler (ipcMain.on), apart from Electron: check who asks, then let the broker
 * give that window its port. Anything may arrive here (a compromised page, a frame that is already gone),
 * so nothing it does throws: every refusal or failure is logged and returned.
 */
export interface PortRequestEvent<S> {
  sender: S;
  /** event.senderFrame: null when the frame navigated away or was destroyed. */
  senderFrame: { readonly url: string; readonly parent: unknown } | null | undefined;
}

export interface PortRequestDeps<S, P extends ClosablePort> {
  /** One of our windows for this sender, as the broker sees windows; null for anything else. */
  windowFor(sender: S): BrokerWindow<P> | null;
  request(window: BrokerWindow<P>): BrokerResult;
  log(message: string): void;
}

export type PortRequestOutcome = { ok: true; result: BrokerResult } | { ok: false; reason: string };

export function handleEnginePortRequest<S, P extends ClosablePort>(
  event: PortRequestEvent<S>,
  deps: PortRequestDeps<S, P>,
): PortRequestOutcome {
  try {
    const window = deps.windowFor(event.sender);
    if (!isTrusted(event, window !== null)) {
      return fail(deps, `engine port refused: untrusted sender (frame ${describeUrl(event.senderFrame)})`);
    }
    if (!window) return fail(deps, 'engine port refused: the sender is not one of our windows');
    return { ok: true, result: deps.request(window) };
  } catch (error) {
    // Electron throws on a frame disposed mid-request; a window closing mid-transfer throws too.
    return fail(
      deps,
      `engine port request failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function isTrusted<S>(event: PortRequestEvent<S>, isOurWindow: boolean): boolean {
  const frame = event.senderFrame;
  return isTrustedSender({
    frameUrl: frame?.url,
    // The top frame has no parent: an iframe (none of ours has any) is refused.
    isMainFrame: frame !== null && frame !== undefined && frame.parent === null,
    isOurWindow,
  });
}

function describeUrl(frame: PortRequestEvent<unknown>['senderFrame']): string {
  const url: unknown = frame?.url;
  if (typeof url !== 'string') return 'gone';
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

function fail<S, P extends ClosablePort>(deps: PortRequestDeps<S, P>, reason: string): PortRequestOutcome {
  deps.log(reason);
  return { ok: false, reason };
}
