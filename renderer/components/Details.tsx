import { useState, type ReactNode } from 'react';

/** Where the Details section's open state is kept: a person who opened it once finds it open again. */
const KEY = 'swictation.details.open';

function remembered(): boolean {
  try {
    return localStorage.getItem(KEY) === 'true';
  } catch {
    return false; // storage refused (a locked-down profile): collapsed, as for a new user
  }
}

/**
 * The popover's fold: collapsed by default. Children stay mounted when closed (their data keeps flowing
 * and tests read them); `whenOpen` is only mounted while open (the chart measures its width).
 */
export function Details({ children, whenOpen }: { children: ReactNode; whenOpen?: ReactNode }) {
  const [open, setOpen] = useState(remembered);
  return (
    <details
      className="details"
      data-testid="details"
      open={open}
      onToggle={(e) => {
        const now = e.currentTarget.open;
        setOpen(now);
        try {
          localStorage.setItem(KEY, String(now));
        } catch {
          // Not remembered this time; the section still opens.
        }
      }}
    >
      <summary>Details</summary>
      {open && whenOpen}
      {children}
    </details>
  );
}
