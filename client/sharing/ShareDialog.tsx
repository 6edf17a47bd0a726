import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Dataspace, MemberRole } from '../api/chenuApi.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { MembersList } from './MembersList.tsx';
import { MEMBER_ROLES, can } from './roles.ts';
import type { ShareStore } from './shareStore.ts';
import { ShareLinks } from './ShareLinks.tsx';
import { useFormat } from '../i18n/format.ts';

/** Invite by e-mail with a role; the pending invitations below, each revocable. */
function InviteForm({ share }: { share: ShareStore }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const invitations = useStore(share, (s) => s.invitations);
  const busy = useStore(share, (s) => s.busy);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('participant');
  const [sent, setSent] = useState<string | null>(null);
  return (
    <section className="stack" aria-labelledby="share-invite-title">
      <h3 id="share-invite-title" className="section-title">
        {t('share.inviteTitle')}
      </h3>
      <Form
        className="row row-wrap"
        onSubmit={(e) => {
          e.preventDefault();
          void share.invite(email, role).then((row) => {
            if (!row) return;
            setSent(row.invitee_email);
            setEmail('');
          });
        }}
      >
        <TextField
          className="grow"
          label={t('share.email')}
          type="email"
          value={email}
          onChange={(v) => (setEmail(v), setSent(null))}
          placeholder={t('share.emailPlaceholder')}
          isRequired
          maxLength={320}
        />
        <SelectField
          label={t('share.role')}
          options={MEMBER_ROLES.map((r) => ({
            id: r,
            label: t(`memberRoles.${r}`),
            detail: t(`roleHelp.${r}`),
          }))}
          value={role}
          onChange={(v) => setRole(v as MemberRole)}
        />
        <Button type="submit" variant="primary" isDisabled={busy === 'invite' || !email.trim()}>
          {t('share.send')}
        </Button>
      </Form>
      {sent && (
        <p className="notice" role="status">
          {t('share.sent', { email: sent })}
        </p>
      )}
      {invitations.length > 0 && (
        <ul className="item-list" aria-label={t('share.pending')}>
          {invitations.map((i) => (
            <li key={i.id} className="row share-row">
              <span className="grow">
                {i.invitee_email}
                <span className="muted">
                  {' '}
                  · {t(`memberRoles.${i.role}`)} · {t('share.expires', { when: fmt.relative(i.expires_at) })}
                </span>
              </span>
              <Button
                size="sm"
                variant="quiet"
                aria-label={t('share.revokeInvitation', { email: i.invitee_email })}
                onPress={() => void share.revokeInvitation(i.id)}
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

/**
 * Sharing a dataspace: who has access and with which role (the owner first, never removable), and —
 * for its hosts — inviting by e-mail, changing roles, removing people, and share links (role,
 * expiry, copy, revoke). Anyone else with a role sees the people and may leave. Reads and acts
 * through the share store, which the 3D panels can share.
 */
export function ShareDialog({
  share,
  dataspace,
  isOpen,
  onOpenChange,
}: {
  share: ShareStore;
  dataspace: Pick<Dataspace, 'id' | 'name' | 'my_role'>;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation();
  const error = useStore(share, (s) => s.error);
  const loaded = useStore(share, (s) => s.loaded);
  const hosting = can(dataspace.my_role, 'share');
  useEffect(() => {
    if (isOpen) void share.load(dataspace.id, dataspace.my_role);
  }, [share, isOpen, dataspace.id, dataspace.my_role]);
  return (
    <ModalDialog
      title={t('share.title', { name: dataspace.name })}
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) share.clearError();
        onOpenChange(open);
      }}
    >
      {(close) => (
        <div className="stack share-dialog">
          {!hosting && <p className="muted">{t('share.notHost')}</p>}
          {hosting && <InviteForm share={share} />}
          <MembersList share={share} hosting={hosting} onLeft={close} />
          {hosting && <ShareLinks share={share} />}
          {!loaded && <p className="muted">{t('common.loading')}</p>}
          <ErrorNotice error={error} />
          <div className="dialog-actions">
            <Button variant="primary" onPress={close}>
              {t('common.close')}
            </Button>
          </div>
        </div>
      )}
    </ModalDialog>
  );
}
