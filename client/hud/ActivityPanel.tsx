import { useTranslation } from 'react-i18next';
import { NovaPanel } from '../nova/NovaPanel.tsx';
import { SpendChart } from './SpendChart.tsx';

/** The dock's activity tab: where tokens went (per day, per thread) and Nova's suggestions. */
export function ActivityPanel() {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <h2 className="panel-title">{t('activity.title')}</h2>
      <SpendChart />
      <NovaPanel />
    </div>
  );
}
