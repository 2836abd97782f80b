import { useId } from 'react';
import type { Settings } from '../../shared/settings';
import { fieldText, type Draft, type FieldKey } from '../store/settingsDraft';
import { THRESHOLD_ORDER, thresholdKey, thresholdProblems } from '../store/thresholdOrder';
import { useApp } from '../store/useApp';

interface Props {
  saved: Settings;
  draft: Draft;
  onEdit: (key: FieldKey, text: string) => void;
}

const HINT: Record<(typeof THRESHOLD_ORDER)[number], string> = {
  restore: 'models come back to the GPU at or below this',
  warning: 'light cleanup',
  critical: 'aggressive cleanup, CPU copies ready',
  emergency: 'models move to the CPU',
};

/**
 * The four thresholds in percent on one bar from 0 to 100 % with the live usage, each a handle (a range
 * input: keyboard and screen readers work as for any slider) and a number field beside. An order that
 * would be refused is said at the field that breaks it while the user types.
 */
export function ThresholdEditor({ saved, draft, onEdit }: Props) {
  const text = Object.fromEntries(
    THRESHOLD_ORDER.map((name) => [name, fieldText(saved, draft, thresholdKey(name))]),
  ) as Record<(typeof THRESHOLD_ORDER)[number], string>;
  const edited = new Set(THRESHOLD_ORDER.filter((name) => draft[thresholdKey(name)] !== undefined));
  const problems = thresholdProblems(text, edited);
  const id = useId();
  return (
    <fieldset className="thresholds">
      <legend>Memory thresholds (% of GPU memory)</legend>
      <UsageBar text={text} onEdit={onEdit} />
      <div className="threshold-fields">
        {THRESHOLD_ORDER.map((name) => {
          const problem = problems[name];
          const fieldId = `${id}-${name}`;
          return (
            <div key={name} className={`threshold-field${problem ? ' field-invalid' : ''}`}>
              <label htmlFor={fieldId}>
                <span className={`swatch swatch-${name}`} aria-hidden="true" />
                {name[0]?.toUpperCase()}
                {name.slice(1)}
              </label>
              <span className="percent-input">
                <input
                  id={fieldId}
                  type="number"
                  inputMode="decimal"
                  step={0.5}
                  min={1}
                  max={99}
                  data-testid={`settings-${thresholdKey(name)}`}
                  aria-invalid={problem !== undefined}
                  aria-describedby={`${fieldId}-note`}
                  value={text[name]}
                  onChange={(e) => onEdit(thresholdKey(name), e.currentTarget.value)}
                />
                %
              </span>
              <p
                id={`${fieldId}-note`}
                className={problem ? 'field-error' : 'hint'}
                data-testid={problem ? `settings-${thresholdKey(name)}-error` : undefined}
                role={problem ? 'alert' : undefined}
              >
                {problem ?? HINT[name]}
              </p>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/**
 * The bar: an SVG track with the live usage, under four range inputs stacked on it (only their thumbs take
 * the pointer). The SVG is inset by half a thumb so a thumb's centre sits on its value.
 */
function UsageBar({
  text,
  onEdit,
}: {
  text: Record<(typeof THRESHOLD_ORDER)[number], string>;
  onEdit: Props['onEdit'];
}) {
  const permille = useApp((s) => (s.telemetry.latest ? Math.round(s.telemetry.latest.usage * 1000) : null));
  const usage = permille === null ? null : permille / 10;
  return (
    <div className="threshold-editor" data-testid="threshold-editor">
      <svg className="threshold-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
        <rect className="bar-track" x="0" y="0" width="100" height="10" />
        {usage !== null && (
          <rect className="bar-fill" data-testid="threshold-usage" x="0" y="0" width={usage} height="10" />
        )}
      </svg>
      {THRESHOLD_ORDER.map((name) => {
        const n = Number(text[name]);
        return (
          <input
            key={name}
            type="range"
            className={`handle handle-${name}`}
            data-testid={`threshold-handle-${name}`}
            aria-label={`${name} threshold, percent`}
            aria-valuetext={Number.isFinite(n) ? `${n}%` : undefined}
            min={1}
            max={99}
            step={0.5}
            value={Number.isFinite(n) ? n : 0}
            onChange={(e) => onEdit(thresholdKey(name), e.currentTarget.value)}
          />
        );
      })}
      <p className="threshold-usage-text">
        {usage === null ? 'No GPU reading yet' : `Using ${usage.toFixed(1)}% now`}
      </p>
    </div>
  );
}
