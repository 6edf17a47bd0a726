import { useEffect, useState } from 'react';
import { Form, Radio, RadioGroup, Label } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useStore } from 'zustand';
import { PreferencesBar } from '../app/PreferencesBar.tsx';
import { paths } from '../app/routes.ts';
import { useBrowserStore } from '../home/BrowserContext.ts';
import { useFormat } from '../i18n/format.ts';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { PendingInvitations } from '../sharing/PendingInvitations.tsx';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { createOnboardingStore, STARTER_SPHERE_KINDS, type StarterSphereKind } from './onboardingStore.ts';

/**
 * A new person's first minute: name a first sphere (a life area), then a starter dataspace in it,
 * then enter its room, or accept an invitation that was waiting for this address. Shows the
 * identity's token balance (what the plan granted) and says what tokens are for. Resumes at the
 * right step after a reload.
 */
export function OnboardingScreen() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const session = useSessionStore();
  const browser = useBrowserStore();
  const [store] = useState(() => createOnboardingStore(session.api, browser));
  const step = useStore(store, (s) => s.step);
  const busy = useStore(store, (s) => s.busy);
  const error = useStore(store, (s) => s.error);
  const balance = useStore(store, (s) => s.balance);
  const dataspace = useStore(store, (s) => s.dataspace);
  const identity = useSession((s) => s.identities.find((i) => i.id === s.activeIdentityId));
  const navigate = useNavigate();
  const location = useLocation();
  const next = (location.state as { next?: string | null } | null)?.next ?? null;
  const [sphereName, setSphereName] = useState('');
  const [kind, setKind] = useState<StarterSphereKind>('personal');
  const [dataspaceName, setDataspaceName] = useState('');
  useEffect(() => void store.start(), [store]);
  const stepNumber = step === 'sphere' ? 1 : step === 'dataspace' ? 2 : 3;
  return (
    <main className="screen screen-center">
      <PreferencesBar />
      <section className="card card-medium" aria-labelledby="onboarding-title">
        <p className="brand">CHE·NU</p>
        <h1 id="onboarding-title">
          {identity ? t('onboarding.welcomeName', { name: identity.name }) : t('onboarding.welcome')}
        </h1>
        <p className="muted" aria-live="polite">
          {t('onboarding.step', { current: stepNumber, total: 3 })}
        </p>
        <p className="notice" role="status" data-testid="onboarding-balance">
          {balance === null
            ? t('onboarding.balanceUnknown')
            : t('onboarding.balance', { count: balance, tokens: fmt.tokens(balance) })}
        </p>
        {step === 'sphere' && (
          <Form
            className="stack"
            aria-label={t('onboarding.sphereTitle')}
            onSubmit={(e) => {
              e.preventDefault();
              void store.nameSphere(sphereName, kind);
            }}
          >
            <h2>{t('onboarding.sphereTitle')}</h2>
            <p className="muted">{t('onboarding.sphereHelp')}</p>
            <RadioGroup
              className="radio-group"
              value={kind}
              onChange={(v) => setKind(v as StarterSphereKind)}
            >
              <Label className="field-label">{t('onboarding.sphereKind')}</Label>
              {STARTER_SPHERE_KINDS.map((k) => (
                <Radio key={k} value={k} className="radio">
                  {t(`sphereKinds.${k}`)}
                </Radio>
              ))}
            </RadioGroup>
            <TextField
              label={t('onboarding.sphereName')}
              placeholder={t(`onboarding.sphereExample.${kind}`)}
              value={sphereName}
              onChange={setSphereName}
              isRequired
              maxLength={120}
            />
            <ErrorNotice error={error} />
            <Button type="submit" variant="primary" isDisabled={busy}>
              {t('onboarding.next')}
            </Button>
          </Form>
        )}
        {step === 'dataspace' && (
          <Form
            className="stack"
            aria-label={t('onboarding.dataspaceTitle')}
            onSubmit={(e) => {
              e.preventDefault();
              void store.nameDataspace(dataspaceName);
            }}
          >
            <h2>{t('onboarding.dataspaceTitle')}</h2>
            <p className="muted">{t('onboarding.dataspaceHelp')}</p>
            <TextField
              label={t('home.dataspaceName')}
              placeholder={t('onboarding.dataspaceExample')}
              value={dataspaceName}
              onChange={setDataspaceName}
              isRequired
              maxLength={160}
            />
            <ErrorNotice error={error} />
            <Button type="submit" variant="primary" isDisabled={busy}>
              {t('onboarding.create')}
            </Button>
          </Form>
        )}
        {step === 'done' && dataspace && (
          <div className="stack">
            <h2>{t('onboarding.doneTitle')}</h2>
            {/* someone invited this address before it signed up: the invitation waits right here */}
            <PendingInvitations level={3} />
            <p>{t('onboarding.doneBody', { name: dataspace.name })}</p>
            <ul className="muted bullet-list">
              <li>{t('onboarding.tipThreads')}</li>
              <li>{t('onboarding.tipAgents')}</li>
              <li>{t('onboarding.tipMeetings')}</li>
            </ul>
            <Button
              variant="primary"
              autoFocus
              onPress={() =>
                void navigate(
                  next && next !== paths.home() && next !== paths.onboarding()
                    ? next
                    : paths.dataspace(dataspace.id),
                )
              }
            >
              {t('onboarding.enter', { name: dataspace.name })}
            </Button>
          </div>
        )}
      </section>
    </main>
  );
}
