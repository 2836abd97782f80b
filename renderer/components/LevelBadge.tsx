import { useApp } from '../store/useApp';

/** The pressure level; a polite live region, so a screen reader hears each change once. */
export function LevelBadge() {
  const level = useApp((s) => s.status?.level ?? null);
  return (
    <div
      className="level"
      role="status"
      aria-live="polite"
      aria-atomic="true"
      data-testid="level-announcement"
    >
      <span className="visually-hidden">GPU memory level: </span>
      <span
        data-testid="level-badge"
        data-level={level ?? 'unknown'}
        className={`badge badge-${level ? level.toLowerCase() : 'unknown'}`}
      >
        {level ?? '—'}
      </span>
    </div>
  );
}
