import { ProgressBar } from 'react-aria-components';
import { useTranslation } from 'react-i18next';

/** While the kept session is read or a chunk loads: the brand and an indeterminate progress bar. */
export function Splash() {
  const { t } = useTranslation();
  return (
    <main className="screen screen-center">
      <ProgressBar isIndeterminate aria-label={t('app.loading')} className="splash">
        <p className="brand brand-large">CHE·NU</p>
        <div className="progress-track">
          <div className="progress-fill" />
        </div>
      </ProgressBar>
    </main>
  );
}
