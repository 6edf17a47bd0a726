import { useState } from 'react';
import { Form, Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { paths } from '../app/routes.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { useSession, useSessionStore } from './SessionContext.ts';

/**
 * Email + password sign-in (supabase-js: local auth on the gateway, or Supabase Auth), shown at the
 * address the person asked for: once signed in, that screen renders. Says so when the last session
 * expired, and offers sign-up.
 */
export function SignInScreen() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const busy = useSession((s) => s.busy);
  const error = useSession((s) => s.error);
  const ended = useSession((s) => s.ended);
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const deepLink = location.pathname !== paths.home();
  return (
    <main className="screen screen-center">
      <PreferencesBar />
      <section className="card card-narrow" aria-labelledby="sign-in-title">
        <p className="brand">CHE·NU</p>
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p className="muted">{deepLink ? t('signIn.deepLink') : t('signIn.pitch')}</p>
        {ended === 'expired' && (
          <p className="notice notice-warning" role="status">
            {t('signIn.expired')}
          </p>
        )}
        <Form
          className="stack"
          aria-label={t('signIn.title')}
          onSubmit={(e) => {
            e.preventDefault();
            void session.signIn(email.trim(), password);
          }}
        >
          <TextField
            label={t('signIn.email')}
            name="email"
            type="email"
            autoComplete="username"
            isRequired
            value={email}
            onChange={setEmail}
          />
          <TextField
            label={t('signIn.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            isRequired
            value={password}
            onChange={setPassword}
          />
          <Button type="submit" variant="primary" isDisabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </Button>
          <ErrorNotice error={error} />
        </Form>
        <p className="muted">
          {t('signIn.noAccount')}{' '}
          <Link href={`${paths.signUp()}?next=${encodeURIComponent(location.pathname)}`}>
            {t('signIn.signUp')}
          </Link>
        </p>
      </section>
    </main>
  );
}
