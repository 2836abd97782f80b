import { useApp } from '../store/useApp';
import { CopyButton } from './CopyButton';
import { formatClock, formatDuration } from './format';

/** The newest transcript with Copy; the rest are in History. */
export function LastTranscript() {
  const last = useApp((s) => s.transcripts.items[0] ?? null);
  const problem = useApp((s) => s.transcripts.problem);
  return (
    <section className="last-transcript" aria-labelledby="last-transcript-title">
      <h2 id="last-transcript-title">Last transcript</h2>
      <div data-testid="transcript-list" aria-live="polite">
        {last === null ? (
          <p className="empty">{problem ?? 'Nothing dictated yet.'}</p>
        ) : (
          <div className="transcript-last">
            <p className="transcript-text" data-testid="last-transcript-text">
              {last.text}
            </p>
            <div className="transcript-foot">
              <span className="transcript-meta">
                <time dateTime={new Date(last.atMs).toISOString()}>{formatClock(last.atMs)}</time> ·{' '}
                {last.device.toUpperCase()} · {formatDuration(last.latencyMs)}
              </span>
              <CopyButton text={last.text} testId="copy-last-transcript" />
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
