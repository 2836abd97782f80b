import { useApp } from '../store/useApp';
import { CommandButton } from './CommandButton';

/** Offload to CPU: frees the GPU for something else; the models stay on the CPU until Restore. */
export function OffloadButton() {
  const blocker = useApp((s) => {
    if (!s.status) return 'Waiting for the engine’s status';
    return s.status.models.some((m) => m.device === 'gpu') ? null : 'No model is on the GPU';
  });
  return (
    <CommandButton
      testId="offload-cpu"
      method="offload"
      label="Offload to CPU"
      busyLabel="Offloading…"
      blocker={blocker}
      idleTitle="Move the models to the CPU and keep them there until Restore to GPU"
      describe={(r) =>
        r.ok
          ? r.moved.length
            ? `Moved to the CPU: ${r.moved.join(', ')}`
            : 'Nothing was on the GPU'
          : `Not offloaded: ${r.reasons.join('; ')}`
      }
    />
  );
}
