import { useApp } from '../store/useApp';
import { formatClock, formatDuration } from './format';

/** Level changes, actions with their durations, moves, GPU errors, refusals and failures; newest first. */
export function EventLog({ limit = 50 }: { limit?: number }) {
  const entries = useApp((s) => s.log.entries);
  const shown = entries.slice(0, limit);
  return (
    <section className="events" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      {shown.length === 0 && <p className="empty">No events yet.</p>}
      <ol data-testid="event-log" className="event-log">
        {shown.map((e) => (
          <li key={e.id} className={`event event-${e.severity}`} data-kind={e.kind}>
            <time dateTime={new Date(e.atMs).toISOString()}>{formatClock(e.atMs)}</time>
            <span className="event-text">{e.text}</span>
            {e.durationMs !== null && <span className="event-duration">{formatDuration(e.durationMs)}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
