import { useTranslation } from 'react-i18next';
import { AppHeader } from '../app/AppHeader.tsx';
import { PlansPanel } from './PlansPanel.tsx';

/** `/plans`: the person's plan and the catalog. */
export function PlansScreen() {
  const { t } = useTranslation();
  return (
    <div className="screen">
      <AppHeader />
      <main className="page" aria-labelledby="plans-title">
        <div className="page-head">
          <h1 id="plans-title">{t('plans.title')}</h1>
        </div>
        <PlansPanel />
      </main>
    </div>
  );
}
