import { useState } from 'react';
import { Form, Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { paths } from '../app/routes.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { useSession, useSessionStore } from './SessionContext.ts';

/** Shortest password local auth accepts (server/gateway/passwordPolicy.ts); the server decides. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Sign-up (supabase-js `auth.signUp`; the server provisions the person, a default identity and its
 * token account), then onboarding. Where the project confirms emails first, says to open the mail.
 */
export function SignUpScreen() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const status = useSession((s) => s.status);
  const busy = useSession((s) => s.busy);
  const error = useSession((s) => s.error);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirmMail, setConfirmMail] = useState(false);
  const next = params.get('next');
  if (status === 'signed-in' && !busy) return <Navigate to={paths.onboarding()} replace state={{ next }} />;
  return (
    <main className="screen screen-center">
      <PreferencesBar />
      <section className="card card-narrow" aria-labelledby="sign-up-title">
        <p className="brand">CHE·NU</p>
        <h1 id="sign-up-title">{t('signUp.title')}</h1>
        <p className="muted">{t('signUp.pitch')}</p>
        {confirmMail ? (
          <p className="notice" role="status">
            {t('signUp.confirmEmail', { email })}
          </p>
        ) : (
          <Form
            className="stack"
            aria-label={t('signUp.title')}
            onSubmit={(e) => {
              e.preventDefault();
              void session.signUp(email.trim(), password, name.trim()).then((outcome) => {
                if (outcome === 'confirm-email') setConfirmMail(true);
                if (outcome === 'signed-in')
                  void navigate(paths.onboarding(), { replace: true, state: { next } });
              });
            }}
          >
            <TextField
              label={t('signUp.name')}
              description={t('signUp.nameHelp')}
              name="name"
              autoComplete="name"
              isRequired
              value={name}
              onChange={setName}
            />
            <TextField
              label={t('signIn.email')}
              name="email"
              type="email"
              autoComplete="email"
              isRequired
              value={email}
              onChange={setEmail}
            />
            <TextField
              label={t('signIn.password')}
              description={t('signUp.passwordHelp', { count: MIN_PASSWORD_LENGTH })}
              name="password"
              type="password"
              autoComplete="new-password"
              isRequired
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              onChange={setPassword}
            />
            <Button type="submit" variant="primary" isDisabled={busy}>
              {busy ? t('signUp.submitting') : t('signUp.submit')}
            </Button>
            <ErrorNotice error={error} />
          </Form>
        )}
        <p className="muted">
          {t('signUp.haveAccount')} <Link href={next ?? paths.home()}>{t('signUp.signIn')}</Link>
        </p>
      </section>
    </main>
  );
}
