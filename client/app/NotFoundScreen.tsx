import { Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { paths } from './routes.ts';

/** An address the app does not know: say so and offer the way home. */
export function NotFoundScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen screen-center">
      <section className="card card-narrow">
        <h1>{t('notFound.title')}</h1>
        <p className="muted">{t('notFound.body')}</p>
        <Link href={paths.home()} className="btn btn-primary btn-md">
          {t('notFound.home')}
        </Link>
      </section>
    </main>
  );
}
