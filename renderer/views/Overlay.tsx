import { useEffect } from 'react';
import { hotkeyText, ON_MAC } from '../components/hotkeyText';
import { formatElapsed, useSecondTicks } from '../overlay/elapsed';
import { OVERLAY_WORDS, overlayState } from '../overlay/overlayState';
import { useServices } from '../services';
import { useApp } from '../store/useApp';
import '../styles/overlay.css';

/**
 * The recording overlay (`#overlay`): a pill that says dictation is listening or transcribing, with the
 * microphone's level (the engine's `input` events: this window has no microphone), the time since it
 * started, and how to stop. Main shows it without focus while dictating and hides it after; Esc here
 * (where it has focus, e.g. a browser) or main's Esc shortcut stops dictation through the same path.
 */
export function Overlay() {
  const shown = useApp((s) => overlayState(s.dictation));
  const since = useApp((s) => s.dictation.listeningSince);
  const level = useApp((s) => s.dictation.inputLevel);
  const hotkey = useApp((s) => s.settings.saved?.speech.hotkey ?? null);
  const connected = useApp((s) => s.connection.state);
  const { dictation } = useServices();
  const now = useSecondTicks(shown !== 'hidden');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Only a stop: Esc must never start a dictation.
      if (e.key === 'Escape' && shown === 'listening') void dictation.toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dictation, shown]);

  const stopWith = hotkey ? `Esc or ${hotkeyText(hotkey, ON_MAC)} to stop` : 'Esc to stop';
  return (
    <main className="overlay" data-testid="overlay" data-state={shown} data-connection={connected}>
      {/* Always in the page, so screen readers announce each change (a live region added late is not). */}
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="overlay-announce">
        {shown === 'hidden' ? '' : OVERLAY_WORDS[shown]}
      </p>
      <div className={`overlay-pill overlay-${shown}`} hidden={shown === 'hidden'}>
        <span className="overlay-dot" aria-hidden="true" />
        <span className="overlay-state" data-testid="overlay-state" aria-hidden="true">
          {OVERLAY_WORDS[shown]}
        </span>
        <meter
          className="overlay-level"
          data-testid="overlay-level"
          aria-label="Microphone level"
          min={0}
          max={1}
          value={shown === 'listening' ? level : 0}
        />
        <time className="overlay-elapsed" data-testid="overlay-elapsed" aria-label="Time dictating">
          {formatElapsed(since === null ? 0 : now - since)}
        </time>
        <span className="overlay-hint" data-testid="overlay-hint">
          {shown === 'listening' ? stopWith : 'finishing the last words'}
        </span>
      </div>
    </main>
  );
}
