import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { UiError } from '../i18n/uiError.ts';
import { Button } from './Button.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { ModalDialog } from './ModalDialog.tsx';
import { TextField } from './TextField.tsx';

/**
 * A dialog asking for one name (create or rename): the field starts with `initial`, `onSubmit`
 * resolves true when the store accepted it (the dialog closes) or false (its refusal, `error`, shows).
 */
export function NameDialog({
  title,
  label,
  submitLabel,
  initial = '',
  description,
  isOpen,
  onOpenChange,
  onSubmit,
  error,
  maxLength = 160,
}: {
  title: string;
  label: string;
  submitLabel: string;
  initial?: string;
  description?: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  onSubmit: (name: string) => Promise<boolean>;
  error: UiError | null;
  maxLength?: number;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const [busy, setBusy] = useState(false);
  // each opening starts from the current name (the dialog stays mounted between openings)
  useEffect(() => {
    if (isOpen) setValue(initial);
  }, [isOpen, initial]);
  return (
    <ModalDialog title={title} isOpen={isOpen} onOpenChange={onOpenChange}>
      {(close) => (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void onSubmit(value).then((ok) => {
              setBusy(false);
              if (ok) close();
            });
          }}
        >
          <TextField
            label={label}
            description={description}
            value={value}
            onChange={setValue}
            isRequired
            maxLength={maxLength}
            autoFocus
          />
          <ErrorNotice error={error} />
          <div className="dialog-actions">
            <Button variant="quiet" onPress={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" variant="primary" isDisabled={busy}>
              {submitLabel}
            </Button>
          </div>
        </Form>
      )}
    </ModalDialog>
  );
}
