import { useEffect, useState } from 'react';
import { Form, Link } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useStore } from 'zustand';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { paths } from '../app/routes.ts';
import { Splash } from '../app/Splash.tsx';
import { IdentityChoice } from '../sharing/IdentityChoice.tsx';
import { createJoinStore } from '../sharing/joinStore.ts';
import { useOpenShared } from '../sharing/useOpenShared.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { useSession, useSessionStore } from './SessionContext.ts';
import { SignInScreen } from './SignInScreen.tsx';

/**
 * A share link (`/join/<token>`). Signed out, the person signs in (or signs up) here first: the link
 * stays in the address. Signed in, they choose which of their identities joins, redeem the link with
 * it and enter the place it opens (the dataspace, or one meeting), switching to that identity. Every
 * link that no longer admits anyone (unknown, expired, revoked, used up) is answered alike.
 */
export function JoinScreen() {
  const { t } = useTranslation();
  const { link = '' } = useParams();
  const session = useSessionStore();
  const status = useSession((s) => s.status);
  const active = useSession((s) => s.activeIdentityId);
  const [store] = useState(() => createJoinStore(session.api));
  const joining = useStore(store, (s) => s.status === 'redeeming' || s.status === 'joined');
  const error = useStore(store, (s) => s.error);
  const open = useOpenShared();
  const [identityId, setIdentityId] = useState<string | null>(active);
  useEffect(() => {
    if (!identityId && active) setIdentityId(active);
  }, [identityId, active]);
  if (status === 'restoring') return <Splash />;
  if (status === 'signed-out') return <SignInScreen />;
  const invalid = error?.code === 'not_found';
  return (
    <main className="screen screen-center">
      <PreferencesBar />
      <section className="card card-narrow" aria-labelledby="join-title">
        <p className="brand">CHE·NU</p>
        <h1 id="join-title">{t('join.title')}</h1>
        {invalid ? (
          <p className="notice notice-error" role="alert" data-code={error.code}>
            {t('join.invalid')}
          </p>
        ) : (
          <Form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (!identityId) return;
              void store
                .redeem(link, identityId)
                .then(
                  (joined) =>
                    joined &&
                    open({ dataspaceId: joined.dataspace_id, meetingId: joined.meeting_id }, identityId),
                );
            }}
          >
            <p>{t('join.body')}</p>
            <IdentityChoice label={t('join.asWho')} value={identityId} onChange={setIdentityId} />
            <p className="muted">{t('join.asWhoHelp')}</p>
            <ErrorNotice error={error} />
            <Button type="submit" variant="primary" isDisabled={joining || !identityId}>
              {joining ? t('join.joining') : t('join.submit')}
            </Button>
          </Form>
        )}
        <Link href={paths.home()} className="btn btn-quiet btn-md">
          {t('join.home')}
        </Link>
      </section>
    </main>
  );
}
