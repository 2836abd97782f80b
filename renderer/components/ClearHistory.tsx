import { useState } from 'react';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useAppStore } from '../store/useApp';
import { clearHistory } from './historyActions';

/** Clear all, asked twice: the first press only asks, the second (Delete all) deletes. */
export function ClearHistory({ count, onDone }: { count: number; onDone: (note: string) => void }) {
  const { api } = useServices();
  const store = useAppStore();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const clear = async () => {
    setBusy(true);
    try {
      await clearHistory(api, store);
      onDone('The history is empty.');
    } catch (error) {
      onDone(`Not cleared: ${errorMessage(error)}`);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  if (!asking) {
    return (
      <button
        type="button"
        className="secondary"
        data-testid="history-clear"
        disabled={count === 0}
        onClick={() => setAsking(true)}
      >
        Clear all…
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label="Confirm clearing the history">
      <p>Delete all {count} transcripts? This cannot be undone.</p>
      <button
        type="button"
        className="danger"
        data-testid="history-clear-confirm"
        disabled={busy}
        onClick={() => void clear()}
      >
        Delete all
      </button>
      <button type="button" data-testid="history-clear-cancel" autoFocus onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  );
}
