import { useEffect, useState } from 'react';

/** How long "Copied" stays before the button reads "Copy" again. */
const CONFIRM_MS = 1500;

/** Copies `text` to the clipboard and says whether it worked (a refused clipboard is said, not swallowed). */
export function CopyButton({
  text,
  testId,
  label = 'Copy',
}: {
  text: string;
  testId: string;
  label?: string;
}) {
  const [said, setSaid] = useState<string | null>(null);
  useEffect(() => {
    if (said === null) return;
    const timer = setTimeout(() => setSaid(null), CONFIRM_MS);
    return () => clearTimeout(timer);
  }, [said]);
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setSaid('Copied'),
      () => setSaid('Copy failed'),
    );
  return (
    <button type="button" className="secondary small" data-testid={testId} onClick={() => void copy()}>
      <span aria-live="polite">{said ?? label}</span>
    </button>
  );
}
