import { useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { ShareLink } from '../api/chenuApi.ts';
import { useFormat } from '../i18n/format.ts';
import { Button } from '../ui/Button.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { LINK_ROLES } from './roles.ts';
import type { ShareStore } from './shareStore.ts';

/** How long a new link admits people (the API allows 1 hour to 30 days). */
export const LINK_EXPIRIES = [1, 24, 168, 720] as const;

/** The link just made: its address (shown once), with a copy button that says what happened. */
function CreatedLink({ url }: { url: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () =>
    void (navigator.clipboard?.writeText(url) ?? Promise.reject(new Error('no clipboard'))).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  return (
    <div className="stack created-link">
      <div className="row">
        <TextField
          className="grow"
          label={t('share.linkAddress')}
          description={t('share.linkOnce')}
          value={url}
          isReadOnly
          onFocus={(e) => (e.target as HTMLInputElement).select()}
        />
        <Button variant="secondary" onPress={copy}>
          {t('share.copy')}
        </Button>
      </div>
      {copied && (
        <p className="notice" role="status">
          {copied === 'yes' ? t('share.copied') : t('share.copyByHand')}
        </p>
      )}
    </div>
  );
}

/** Hosts: share links that admit whoever opens them (role, expiry), each revocable at once. */
export function ShareLinks({ share }: { share: ShareStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const links = useStore(share, (s) => s.links);
  const created = useStore(share, (s) => s.created);
  const busy = useStore(share, (s) => s.busy);
  const [role, setRole] = useState<ShareLink['role']>('participant');
  const [hours, setHours] = useState<number>(168);
  return (
    <section className="stack" aria-labelledby="share-links-title">
      <h3 id="share-links-title" className="section-title">
        {t('share.linksTitle')}
      </h3>
      <p className="muted">{t('share.linksHelp')}</p>
      <Form
        className="row row-wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void share.createLink({ role, expiresInHours: hours });
        }}
      >
        <SelectField
          label={t('share.linkRole')}
          options={LINK_ROLES.map((r) => ({
            id: r,
            label: t(`memberRoles.${r}`),
            detail: t(`roleHelp.${r}`),
          }))}
          value={role}
          onChange={(v) => setRole(v as ShareLink['role'])}
        />
        <SelectField
          label={t('share.linkExpiry')}
          options={LINK_EXPIRIES.map((h) => ({ id: String(h), label: t(`share.expiry.h${h}`) }))}
          value={String(hours)}
          onChange={(v) => setHours(Number(v))}
        />
        <Button type="submit" variant="secondary" isDisabled={busy === 'link'}>
          {t('share.makeLink')}
        </Button>
      </Form>
      {created && <CreatedLink url={created.url} />}
      {links.length > 0 && (
        <ul className="item-list" aria-label={t('share.liveLinks')}>
          {links.map((l) => (
            <li key={l.id} className="row share-row">
              <span className="grow">
                {t('share.linkLine', { role: t(`memberRoles.${l.role}`) })}
                <span className="muted">
                  {' '}
                  · {t('share.expires', { when: fmt.relative(l.expires_at) })} ·{' '}
                  {t('share.uses', { count: l.uses })}
                </span>
              </span>
              <Button
                size="sm"
                variant="quiet"
                aria-label={t('share.revokeLink', { role: t(`memberRoles.${l.role}`) })}
                onPress={() => void share.revokeLink(l.id)}
              >
                {t('share.revoke')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
