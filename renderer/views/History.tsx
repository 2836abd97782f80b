import { useEffect, useState } from 'react';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { TranscriptList } from '../components/TranscriptList';
import { errorMessage } from '../engine/withTimeout';
import { useServices } from '../services';
import { useApp, useAppStore } from '../store/useApp';

const FULL_HISTORY = 500;

/** Every transcript the engine kept (history.list), newest first, then live ones as they come. */
export function History() {
  const { api } = useServices();
  const store = useAppStore();
  const live = useApp((s) => s.connection.state === 'live');
  const [loading, setLoading] = useState(false);

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

  return (
    <main className="view history" aria-busy={loading}>
      <header className="view-header">
        <h1>History</h1>
        <ConnectionBanner />
      </header>
      <TranscriptList title="Transcripts" />
      <nav className="view-nav" aria-label="Windows">
        <a href="#">Back</a>
        <a href="#settings">Settings</a>
      </nav>
    </main>
  );
}
