import { memo, useState } from 'react';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import type { TranscriptItem } from '../store/transcripts';
import { useAppStore } from '../store/useApp';
import { CopyButton } from './CopyButton';
import { formatClock, formatDuration } from './format';
import { deleteTranscript } from './historyActions';

/** One transcript: its text, when, on which device, by which model, how fast; Copy and Delete. */
export const HistoryEntryRow = memo(function HistoryEntryRow({
  item,
  onProblem,
}: {
  item: TranscriptItem;
  onProblem: (message: string) => void;
}) {
  const { api } = useServices();
  const store = useAppStore();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await deleteTranscript(api, store, item);
    } catch (error) {
      onProblem(`Not deleted: ${errorMessage(error)}`);
      setBusy(false);
    }
  };
  return (
    <li data-testid="history-entry" className="history-entry">
      <p className="transcript-text">{item.text}</p>
      <div className="transcript-foot">
        <span className="transcript-meta" data-testid="history-meta">
          <time dateTime={new Date(item.atMs).toISOString()}>{formatClock(item.atMs)}</time> ·{' '}
          {item.device.toUpperCase()} · {item.model ?? 'model not recorded'} ·{' '}
          {formatDuration(item.latencyMs)}
        </span>
        <span className="entry-actions">
          <CopyButton text={item.text} testId="history-copy" />
          <button
            type="button"
            className="secondary small"
            data-testid="history-delete"
            disabled={busy}
            aria-label={`Delete “${item.text.slice(0, 40)}”`}
            onClick={() => void remove()}
          >
            Delete
          </button>
        </span>
      </div>
    </li>
  );
});
