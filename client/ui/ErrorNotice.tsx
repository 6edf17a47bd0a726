import { useTranslation } from 'react-i18next';
import { errorText, type UiError } from '../i18n/uiError.ts';

/** The human sentence of a failure (its code is kept in `data-code` for tests and support). */
export function useErrorText(): (error: UiError) => string {
  const { t, i18n } = useTranslation();
  return (error) => errorText(t, i18n, error);
}

/** A failure shown where it happened: its sentence, announced to assistive tech. */
export function ErrorNotice({ error, className }: { error: UiError | null; className?: string }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p
      className={['notice', 'notice-error', className].filter(Boolean).join(' ')}
      role="alert"
      data-code={error.code}
    >
      {text(error)}
    </p>
  );
}
