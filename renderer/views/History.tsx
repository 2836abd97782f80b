import { useEffect, useState } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { HistoryEntryRow } from '../components/HistoryEntryRow';
import { ClearHistory } from '../components/ClearHistory';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useApp, useAppStore } from '../store/useApp';

const FULL_HISTORY = 500;

/** Every transcript the engine kept (history.list), newest first, then live ones as they come; searchable. */
export function History() {
  const { api } = useServices();
  const store = useAppStore();
  const live = useApp((s) => s.connection.state === 'live');
  const items = useApp((s) => s.transcripts.items);
  const problem = useApp((s) => s.transcripts.problem);
  const [loading, setLoading] = useState(false);
  const [query, setQuery] = useState('');
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!live) return;
    let current = true;
    setLoading(true);
    api
      .call('history.list', { limit: FULL_HISTORY })
      .then(
        (h) => {
          if (current) store.getState().setHistory(h.entries);
        },
        (e: unknown) => {
          if (current) store.getState().setHistoryProblem(errorMessage(e));
        },
      )
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [api, store, live]);

  const needle = query.trim().toLocaleLowerCase();
  const shown = needle ? items.filter((t) => t.text.toLocaleLowerCase().includes(needle)) : items;

  return (
    <main className="view history" aria-busy={loading}>
      <header className="view-header">
        <h1>History</h1>
        <ConnectionBanner />
      </header>
      <div className="history-tools">
        <label className="history-search">
          <span>Search</span>
          <input
            type="search"
            data-testid="history-search"
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <ClearHistory count={items.length} onDone={setNote} />
      </div>
      {note && (
        <p role="status" className="hint">
          {note}
        </p>
      )}
      <p className="hint" data-testid="history-count" aria-live="polite">
        {needle ? `${shown.length} of ${items.length} match` : `${items.length} transcripts`}
      </p>
      {items.length === 0 && <p className="empty">{problem ?? 'Nothing dictated yet.'}</p>}
      <ol data-testid="history-list" className="history-list">
        {shown.map((t) => (
          <HistoryEntryRow key={t.key} item={t} onProblem={setNote} />
        ))}
      </ol>
      <nav className="view-nav" aria-label="Windows">
        <a href="#">Back</a>
        <a href="#settings">Settings</a>
      </nav>
    </main>
  );
}
