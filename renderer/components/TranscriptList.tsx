import { useApp } from '../store/useApp';
import { formatClock, formatDuration } from './format';

/** Recent transcripts, newest first. The list element is always present (tests wait for text inside it). */
export function TranscriptList({ limit, title = 'Recent transcripts' }: { limit?: number; title?: string }) {
  const items = useApp((s) => s.transcripts.items);
  const problem = useApp((s) => s.transcripts.problem);
  const shown = limit === undefined ? items : items.slice(0, limit);
  return (
    <section className="transcripts" aria-labelledby="transcripts-title">
      <h2 id="transcripts-title">{title}</h2>
      {shown.length === 0 && <p className="empty">{problem ?? 'Nothing dictated yet.'}</p>}
      <ol data-testid="transcript-list" className="transcript-list" aria-live="polite">
        {shown.map((t) => (
          <li key={t.key}>
            <p className="transcript-text">{t.text}</p>
            <p className="transcript-meta">
              <time dateTime={new Date(t.atMs).toISOString()}>{formatClock(t.atMs)}</time> ·{' '}
              {t.device.toUpperCase()} ({t.ep}) · {formatDuration(t.latencyMs)}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
