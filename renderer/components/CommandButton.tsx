import { useId, useState } from 'react';
import type { ResultOf } from '../../shared/contract';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useApp } from '../store/useApp';

type CommandResult = ResultOf<'restore'>;

interface Props {
  testId: string;
  method: 'restore' | 'offload';
  label: string;
  busyLabel: string;
  /** Why the command cannot succeed now (shown beside the disabled button), or null. */
  blocker: string | null;
  idleTitle: string;
  describe: (r: CommandResult) => string;
  className?: string;
}

/**
 * A button for a memory command: disabled with its reason shown (not just a tooltip), busy while the
 * engine works, and the engine's answer said afterwards.
 */
export function CommandButton(p: Props) {
  const { api } = useServices();
  const live = useApp((s) => s.connection.state === 'live');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const reasonId = useId();
  const reason = !live ? 'Not connected to the engine' : busy ? null : p.blocker;
  const disabled = busy || reason !== null;

  const run = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome(p.describe(await api.call(p.method)));
    } catch (error) {
      setOutcome(`${p.label} failed: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="command">
      <button
        type="button"
        data-testid={p.testId}
        className={p.className}
        disabled={disabled}
        aria-busy={busy}
        aria-describedby={reason ? reasonId : undefined}
        title={reason ?? p.idleTitle}
        onClick={() => void run()}
      >
        {busy && <span className="spinner" aria-hidden="true" />}
        {busy ? p.busyLabel : p.label}
      </button>
      {reason && (
        <p id={reasonId} data-testid={`${p.testId}-reason`} className="command-reason">
          {reason}
        </p>
      )}
      {outcome && (
        <p role="status" className="command-outcome">
          {outcome}
        </p>
      )}
    </div>
  );
}
