import type { Key } from 'react-aria-components';
import {
  Button as AriaButton,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';

export interface SelectOption {
  readonly id: string;
  readonly label: string;
  /** A second line under the option's label. */
  readonly detail?: string;
}

/** A labelled single-choice select (React Aria: listbox popover, typeahead, keyboard). */
export function SelectField({
  label,
  options,
  value,
  onChange,
  placeholder,
  isDisabled,
  hideLabel = false,
  className,
}: {
  label: string;
  options: readonly SelectOption[];
  value: string | null;
  onChange: (id: string) => void;
  placeholder?: string;
  isDisabled?: boolean;
  hideLabel?: boolean;
  className?: string;
}) {
  return (
    <Select
      className={['field', className].filter(Boolean).join(' ')}
      value={value}
      onChange={(key: Key | null) => key !== null && onChange(String(key))}
      placeholder={placeholder}
      isDisabled={isDisabled}
    >
      <Label className={hideLabel ? 'visually-hidden' : 'field-label'}>{label}</Label>
      <AriaButton className="field-input select-button">
        {/* the chosen option's label only (its detail line belongs to the list) */}
        <SelectValue className="select-value">
          {({ selectedText, isPlaceholder, defaultChildren }) =>
            isPlaceholder ? defaultChildren : selectedText
          }
        </SelectValue>
        <span aria-hidden="true" className="select-chevron">
          ▾
        </span>
      </AriaButton>
      <Popover className="popover">
        <ListBox className="listbox" items={options}>
          {(o) => (
            <ListBoxItem id={o.id} className="listbox-item" textValue={o.label}>
              <span>{o.label}</span>
              {o.detail && <small className="muted">{o.detail}</small>}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
