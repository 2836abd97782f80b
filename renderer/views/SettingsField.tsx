import { memo, useId } from 'react';
import type { FieldSpec } from '../store/settingsDraft';

interface Props {
  spec: FieldSpec;
  value: string;
  invalid: boolean;
  errorId: string | undefined;
  suggestions?: readonly string[];
  onEdit: (key: FieldSpec['key'], text: string) => void;
}

/** One labelled setting; its test id is `settings-<key>` (e.g. settings-threshold-warning). */
export const SettingsField = memo(function SettingsField({
  spec,
  value,
  invalid,
  errorId,
  suggestions,
  onEdit,
}: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const listId = `${id}-list`;
  const describedBy =
    [spec.hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'data-testid': `settings-${spec.key}`,
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
  };
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {spec.kind === 'choice' ? (
        <select {...common} value={value} onChange={(e) => onEdit(spec.key, e.target.value)}>
          {spec.choices?.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={spec.kind === 'number' ? 'number' : 'text'}
          inputMode={spec.kind === 'number' ? 'decimal' : undefined}
          step={spec.step}
          min={spec.min}
          max={spec.max}
          list={suggestions?.length ? listId : undefined}
          value={value}
          onChange={(e) => onEdit(spec.key, e.target.value)}
        />
      )}
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
    </div>
  );
});
