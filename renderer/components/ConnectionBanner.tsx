import { useApp } from '../store/useApp';

/**
 * The engine connection. Always rendered with `data-state` (connecting | live | reconnecting | failed), so
 * tests and people can tell a stale screen from a live one.
 */
export function ConnectionBanner() {
  const state = useApp((s) => s.connection.state);
  const detail = useApp((s) => s.connection.detail);
  const text =
    state === 'live'
      ? 'Live'
      : state === 'connecting'
        ? 'Connecting to the engine…'
        : state === 'reconnecting'
          ? 'Reconnecting…'
          : 'Cannot reach the engine (still retrying)';
  return (
    <div
      data-testid="connection-state"
      data-state={state}
      className={`connection connection-${state}`}
      role="status"
      aria-live="polite"
    >
      <span className="connection-text">{text}</span>
      {state !== 'live' && detail && <span className="connection-detail">{detail}</span>}
    </div>
  );
}
