import { Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { paths } from '../app/routes.ts';
import { Splash } from '../app/Splash.tsx';
import { useSession } from './SessionContext.ts';
import { SignInScreen } from './SignInScreen.tsx';

/**
 * A share link (`/join/<link>`). Redeeming links belongs to the shared-spaces work, which this server
 * does not have yet: signed out, the person signs in here first (the link stays in the address);
 * signed in, the screen says plainly that the link cannot be opened yet — it never pretends to join.
 */
export function JoinScreen() {
  const { t } = useTranslation();
  const { link = '' } = useParams();
  const status = useSession((s) => s.status);
  if (status === 'restoring') return <Splash />;
  if (status === 'signed-out') return <SignInScreen />;
  return (
    <main className="screen screen-center">
      <PreferencesBar />
      <section className="card card-narrow" aria-labelledby="join-title">
        <p className="brand">CHE·NU</p>
        <h1 id="join-title">{t('join.title')}</h1>
        <p className="muted">{t('join.pending')}</p>
        <p>
          <code className="link-code" aria-label={t('join.linkLabel')}>
            {link}
          </code>
        </p>
        <Link href={paths.home()} className="btn btn-primary btn-md">
          {t('join.home')}
        </Link>
      </section>
    </main>
  );
}
