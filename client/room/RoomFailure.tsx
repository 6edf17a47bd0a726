import { Link, ProgressBar } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { paths } from '../app/routes.ts';
import type { UiError } from '../i18n/uiError.ts';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';

/** Entering a room (joining its realtime room), or why it could not be joined, with the way back. */
export function RoomFailure({
  error = null,
  entering = false,
  name,
}: {
  error?: UiError | null;
  entering?: boolean;
  name?: string;
}) {
  const { t } = useTranslation();
  return (
    <main className="screen screen-center">
      <section className="card card-narrow">
        {entering ? (
          <ProgressBar isIndeterminate aria-label={t('room.entering', { name })}>
            <p>{t('room.entering', { name })}</p>
            <div className="progress-track">
              <div className="progress-fill" />
            </div>
          </ProgressBar>
        ) : (
          <>
            <h1>{t('room.joinFailed')}</h1>
            <ErrorNotice error={error} />
            <Link href={paths.home()} className="btn btn-primary btn-md">
              {t('room.backHome')}
            </Link>
          </>
        )}
      </section>
    </main>
  );
}
