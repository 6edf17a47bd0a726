import {
  FieldError,
  Input,
  Label,
  Text,
  TextArea,
  TextField as AriaTextField,
  type TextFieldProps as AriaTextFieldProps,
} from 'react-aria-components';

export interface TextFieldProps extends Omit<AriaTextFieldProps, 'className' | 'children'> {
  readonly label: string;
  readonly description?: string;
  /** A sentence shown under the field when it is invalid (the browser's own check otherwise). */
  readonly errorMessage?: string;
  readonly multiline?: boolean;
  readonly placeholder?: string;
  /** Hides the label visually (it still names the field for assistive tech). */
  readonly hideLabel?: boolean;
  readonly className?: string;
}

/** A labelled text field (React Aria): label, input or text area, description and error. */
export function TextField({
  label,
  description,
  errorMessage,
  multiline = false,
  placeholder,
  hideLabel = false,
  className,
  ...props
}: TextFieldProps) {
  return (
    <AriaTextField {...props} className={['field', className].filter(Boolean).join(' ')}>
      <Label className={hideLabel ? 'visually-hidden' : 'field-label'}>{label}</Label>
      {multiline ? (
        <TextArea className="field-input" placeholder={placeholder} rows={3} />
      ) : (
        <Input className="field-input" placeholder={placeholder} />
      )}
      {description && (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      )}
      <FieldError className="field-error">{errorMessage}</FieldError>
    </AriaTextField>
  );
}
