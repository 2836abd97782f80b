import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { recordKey } from '../store/hotkeyRecorder';
import type { FieldSpec } from '../store/settingsDraft';
import { hotkeyText, ON_MAC } from './hotkeyText';

interface Props {
  spec: FieldSpec;
  value: string;
  error: string | null;
  onEdit: (key: FieldSpec['key'], text: string) => void;
}

/**
 * The hotkey: a text field that can be typed into, and Record, which turns the field into a recorder that
 * takes the next key combination pressed there. A bare key is refused with the reason and recording goes
 * on; Esc cancels, Tab leaves (keyboard users are never trapped).
 */
export function HotkeyField({ spec, value, error, onEdit }: Props) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [recording, setRecording] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  const problem = refused ?? error;
  // "CommandOrControl+Shift+D" is Electron's word for it; people read "Ctrl+Shift+D" (⌘ on a Mac).
  const readable = hotkeyText(value, ON_MAC);
  const describedBy = [`${id}-hint`, problem ? `${id}-error` : null].filter(Boolean).join(' ');

  const start = () => {
    setRefused(null);
    setRecording(true);
    input.current?.focus();
  };
  const stop = () => {
    setRecording(false);
    setRefused(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!recording || e.key === 'Tab') return;
    e.preventDefault();
    if (e.key === 'Escape' && !e.ctrlKey && !e.altKey && !e.shiftKey && !e.metaKey) {
      stop();
      return;
    }
    const got = recordKey(e.nativeEvent, ON_MAC);
    if (got.kind === 'refused') setRefused(got.message);
    if (got.kind !== 'combo') return;
    stop();
    onEdit(spec.key, got.accelerator);
  };

  return (
    <div className={`field field-hotkey${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      <div className="field-control">
        <input
          ref={input}
          id={id}
          type="text"
          data-testid={`settings-${spec.key}`}
          data-recording={recording}
          aria-invalid={problem !== null}
          aria-describedby={describedBy}
          readOnly={recording}
          placeholder={recording ? 'Press the keys…' : undefined}
          value={recording ? '' : value}
          onChange={(e) => onEdit(spec.key, e.currentTarget.value)}
          onKeyDown={onKeyDown}
          onBlur={() => setRecording(false)}
        />
        <button
          type="button"
          className="secondary"
          data-testid={`settings-${spec.key}-record`}
          // Pressing the button would blur the field and end the recording it is about to start.
          onMouseDown={(e) => e.preventDefault()}
          onClick={recording ? stop : start}
        >
          {recording ? 'Cancel' : 'Record'}
        </button>
      </div>
      <p id={`${id}-hint`} className="hint">
        {recording
          ? 'Press the combination now; Esc cancels.'
          : `${spec.hint ?? ''}${readable !== value && !problem ? ` It reads ${readable}.` : ''}`}
      </p>
      {problem && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid={`settings-${spec.key}-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}
