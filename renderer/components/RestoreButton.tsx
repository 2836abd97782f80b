import { useApp } from '../store/useApp';
import { CommandButton } from './CommandButton';

/** Restore to GPU: the engine says why it cannot succeed now (`restoreBlocker`); the button shows that. */
export function RestoreButton() {
  const blocker = useApp((s) => (s.status ? s.status.restoreBlocker : 'Waiting for the engine’s status'));
  return (
    <CommandButton
      testId="restore-gpu"
      method="restore"
      label="Restore to GPU"
      busyLabel="Restoring…"
      blocker={blocker}
      idleTitle="Move the models back to the GPU"
      describe={(r) =>
        r.ok
          ? r.moved.length
            ? `Back on the GPU: ${r.moved.join(', ')}`
            : 'Nothing needed to move'
          : `Not restored: ${r.reasons.join('; ')}`
      }
    />
  );
}
