import { memo, useId } from 'react';
import type { FieldSpec } from '../store/settingsDraft';

interface Props {
  spec: FieldSpec;
  value: string;
  /** What is wrong with the value, said under this field (not next to Save, far below). */
  error: string | null;
  suggestions?: readonly string[];
  onEdit: (key: FieldSpec['key'], text: string) => void;
}

/** One labelled setting; its test id is `settings-<key>` (e.g. settings-interval), its error's `settings-<key>-error`. */
export const SettingsField = memo(function SettingsField({ spec, value, error, suggestions, onEdit }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const listId = `${id}-list`;
  const describedBy =
    [spec.hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'data-testid': `settings-${spec.key}`,
    'aria-invalid': error !== null,
    'aria-describedby': describedBy,
  };
  return (
    <div className={`field field-${spec.kind}${error ? ' field-invalid' : ''}`}>
      {/* A checkbox reads as "[x] Launch at login": the box first, its label after it on the same line. */}
      {spec.kind !== 'toggle' && <label htmlFor={id}>{spec.label}</label>}
      <span className="field-control">
        {control(spec, value, common, suggestions?.length ? listId : undefined, onEdit)}
      </span>
      {spec.kind === 'toggle' && <label htmlFor={id}>{spec.label}</label>}
      {suggestions && suggestions.length > 0 && (
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
      {spec.hint && (
        <p id={hintId} className="hint">
          {spec.hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert" data-testid={`settings-${spec.key}-error`}>
          {error}
        </p>
      )}
    </div>
  );
});

function control(
  spec: FieldSpec,
  value: string,
  common: Record<string, unknown>,
  list: string | undefined,
  onEdit: Props['onEdit'],
) {
  if (spec.kind === 'choice') {
    return (
      <select {...common} value={value} onChange={(e) => onEdit(spec.key, e.target.value)}>
        {spec.choices?.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  }
  if (spec.kind === 'toggle') {
    return (
      <input
        {...common}
        type="checkbox"
        checked={value === 'true'}
        onChange={(e) => onEdit(spec.key, String(e.currentTarget.checked))}
      />
    );
  }
  return (
    <input
      {...common}
      type={spec.kind === 'number' ? 'number' : 'text'}
      inputMode={spec.kind === 'number' ? 'decimal' : undefined}
      step={spec.step}
      min={spec.min}
      max={spec.max}
      list={list}
      value={value}
      onChange={(e) => onEdit(spec.key, e.target.value)}
    />
  );
}
