import { Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { IdentitySwitcher } from '../session/IdentitySwitcher.tsx';
import { InboxButton } from '../sharing/InboxButton.tsx';
import { useSessionStore } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { LocaleSwitch } from './LocaleSwitch.tsx';
import { paths } from './routes.ts';
import { ThemeSwitch } from './ThemeSwitch.tsx';

/**
 * The 2D screens' header: home, the bureau, plans, my invitations, the active identity, language,
 * theme, sign-out.
 */
export function AppHeader() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const { pathname } = useLocation();
  return (
    <header className="app-header">
      <Link href={paths.home()} className="brand" aria-label={t('nav.homeLabel')}>
        CHE·NU
      </Link>
      <nav aria-label={t('nav.label')} className="app-nav">
        <Link
          href={paths.home()}
          className="nav-link"
          aria-current={pathname === paths.home() ? 'page' : undefined}
        >
          {t('nav.dataspaces')}
        </Link>
        <Link
          href={paths.bureau()}
          className="nav-link"
          aria-current={pathname === paths.bureau() ? 'page' : undefined}
        >
          {t('nav.bureau')}
        </Link>
        <Link
          href={paths.plans()}
          className="nav-link"
          aria-current={pathname === paths.plans() ? 'page' : undefined}
        >
          {t('nav.plans')}
        </Link>
      </nav>
      <div className="app-header-end">
        <InboxButton />
        <IdentitySwitcher />
        <LocaleSwitch />
        <ThemeSwitch />
        <Button variant="quiet" onPress={() => void session.signOut()}>
          {t('nav.signOut')}
        </Button>
      </div>
    </header>
  );
}
