import type { PortRequestEvent } from './enginePortRequest';
import { isTrustedSender } from './windowPolicy';

/**
 * The CONFIRM_UNVERIFIED_MODEL handler (ipcMain.handle), apart from Electron. A window may not install a
 * model without confirmed checksums on its own word (shared/capabilities.ts): it asks main, main asks the
 * user in its own dialog (which a page cannot draw or click), and only a "yes" there records the consent
 * in the engine through main's trusted client. Anything may arrive here, so nothing throws: the answer is
 * false for every refusal, and why is logged.
 */
export interface ConsentDeps<S, W> {
  /** One of our windows for this sender; null for anything else. */
  windowFor(sender: S): W | null;
  /** Ask the user (a native dialog over `window`); true when they chose to install anyway. */
  confirm(window: W, id: string): Promise<boolean>;
  /** Record the consent in the engine (`models.consent`); rejects when there is no live engine. */
  consent(id: string): Promise<void>;
  log(message: string): void;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export async function handleUnverifiedConsent<S, W>(
  event: PortRequestEvent<S>,
  id: unknown,
  deps: ConsentDeps<S, W>,
): Promise<boolean> {
  try {
    const window = deps.windowFor(event.sender);
    const frame = event.senderFrame;
    const trusted = isTrustedSender({
      frameUrl: frame?.url,
      isMainFrame: frame !== null && frame !== undefined && frame.parent === null,
      isOurWindow: window !== null,
    });
    if (!trusted || window === null) return refuse(deps, 'the request did not come from our own page');
    if (typeof id !== 'string' || !MODEL_ID.test(id)) return refuse(deps, 'not a model id');
    if (!(await deps.confirm(window, id))) return false;
    await deps.consent(id);
    return true;
  } catch (error) {
    return refuse(deps, error instanceof Error ? error.message : String(error));
  }
}

function refuse<S, W>(deps: ConsentDeps<S, W>, why: string): false {
  deps.log(`unverified model consent refused: ${why}`);
  return false;
}
