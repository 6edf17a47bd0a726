import { useEffect, useState } from 'react';
import { Form } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { MyInvitation } from '../api/chenuApi.ts';
import { useFormat } from '../i18n/format.ts';
import { useSession } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { ModalDialog } from '../ui/ModalDialog.tsx';
import { IdentityChoice } from './IdentityChoice.tsx';
import { useInbox, useSharing } from './SharingContext.ts';
import { useOpenShared, type SharedPlace } from './useOpenShared.ts';

/** What an invitation offers, in a sentence: who, to what, with which role. */
export function useInvitationText(): (i: MyInvitation) => string {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (i) => {
    const who = i.invited_by_name ?? t('inbox.someone');
    const role = t(`memberRoles.${i.role}`);
    return i.meeting_id
      ? t('inbox.toMeeting', {
          who,
          title: i.meeting_title ?? '',
          name: i.dataspace_name,
          when: i.meeting_scheduled_at ? fmt.dateTime(i.meeting_scheduled_at) : '',
          role,
        })
      : t('inbox.toDataspace', { who, name: i.dataspace_name, role });
  };
}

interface Accepted {
  readonly place: SharedPlace;
  readonly identityId: string;
  readonly title: string;
}

/** Accepting: which identity accepts, then the way into what it opened. */
function AcceptDialog({
  invitation,
  onOpenChange,
  onOpened,
}: {
  invitation: MyInvitation | null;
  onOpenChange: (open: boolean) => void;
  onOpened?: () => void;
}) {
  const { t } = useTranslation();
  const { inbox } = useSharing();
  const active = useSession((s) => s.activeIdentityId);
  const identities = useSession((s) => s.identities);
  const busy = useInbox((s) => s.answering !== null);
  const error = useInbox((s) => s.error);
  const text = useInvitationText();
  const open = useOpenShared();
  const [identityId, setIdentityId] = useState<string | null>(active);
  const [accepted, setAccepted] = useState<Accepted | null>(null);
  const [opening, setOpening] = useState(false);
  // each invitation starts from the active identity
  useEffect(() => {
    if (invitation) setIdentityId(active);
  }, [invitation, active]);
  const close = (o: boolean) => {
    if (o) return;
    setAccepted(null);
    inbox.clearError();
    onOpenChange(false);
  };
  const nameOf = (id: string) => identities.find((i) => i.id === id)?.name ?? '';
  return (
    <ModalDialog
      title={accepted ? t('inbox.acceptedTitle') : t('inbox.acceptTitle')}
      isOpen={invitation !== null || accepted !== null}
      onOpenChange={close}
    >
      {(dismiss) =>
        accepted ? (
          <div className="stack">
            <p role="status">
              {t('inbox.acceptedBody', { title: accepted.title, name: nameOf(accepted.identityId) })}
            </p>
            {accepted.identityId !== active && (
              <p className="muted">{t('inbox.switches', { name: nameOf(accepted.identityId) })}</p>
            )}
            <div className="dialog-actions">
              <Button variant="quiet" onPress={dismiss}>
                {t('inbox.later')}
              </Button>
              <Button
                variant="primary"
                autoFocus
                isDisabled={opening}
                onPress={() => {
                  setOpening(true);
                  void open(accepted.place, accepted.identityId).finally(() => {
                    setOpening(false);
                    close(false);
                    onOpened?.();
                  });
                }}
              >
                {t('inbox.open', { title: accepted.title })}
              </Button>
            </div>
          </div>
        ) : (
          invitation && (
            <Form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                if (!identityId) return;
                void inbox.accept(invitation.id, identityId).then((result) => {
                  if (!result) return;
                  setAccepted({
                    identityId,
                    title: invitation.meeting_title ?? invitation.dataspace_name,
                    place: { dataspaceId: invitation.dataspace_id, meetingId: invitation.meeting_id },
                  });
                  onOpenChange(false);
                });
              }}
            >
              <p>{text(invitation)}</p>
              <IdentityChoice label={t('inbox.asWho')} value={identityId} onChange={setIdentityId} />
              <p className="muted">{t('inbox.asWhoHelp')}</p>
              <ErrorNotice error={error} />
              <div className="dialog-actions">
                <Button variant="quiet" onPress={dismiss}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" variant="primary" isDisabled={busy || !identityId}>
                  {t('inbox.accept')}
                </Button>
              </div>
            </Form>
          )
        )
      }
    </ModalDialog>
  );
}

/**
 * My pending invitations (to a dataspace, or to one meeting), each accepted with the identity of my
 * choice or declined; accepting offers the way in. Live: the presence room's notifications refresh it.
 */
export function InvitationList({
  emptyHidden = false,
  onOpened,
}: {
  emptyHidden?: boolean;
  /** Called once an accepted invitation's place is opened (a surrounding dialog closes). */
  onOpened?: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { inbox } = useSharing();
  const invitations = useInbox((s) => s.invitations);
  const answering = useInbox((s) => s.answering);
  const error = useInbox((s) => s.error);
  const text = useInvitationText();
  const [accepting, setAccepting] = useState<MyInvitation | null>(null);
  const hidden = invitations.length === 0 && emptyHidden;
  return (
    <div className="stack" hidden={hidden}>
      {hidden ? null : invitations.length === 0 ? (
        <EmptyState title={t('inbox.emptyTitle')} body={t('inbox.emptyBody')} />
      ) : (
        <ul className="item-list invitation-list" aria-label={t('inbox.list')}>
          {invitations.map((i) => (
            <li key={i.id} className="card invitation-card" data-invitation={i.id}>
              <p>{text(i)}</p>
              <p className="meta">{t('inbox.expires', { when: fmt.relative(i.expires_at) })}</p>
              <div className="row">
                <Button
                  variant="primary"
                  size="sm"
                  isDisabled={answering !== null}
                  onPress={() => (inbox.clearError(), setAccepting(i))}
                  aria-label={t('inbox.acceptLabel', { name: i.meeting_title ?? i.dataspace_name })}
                >
                  {t('inbox.accept')}
                </Button>
                <Button
                  variant="quiet"
                  size="sm"
                  isDisabled={answering !== null}
                  onPress={() => void inbox.decline(i.id)}
                  aria-label={t('inbox.declineLabel', { name: i.meeting_title ?? i.dataspace_name })}
                >
                  {t('inbox.decline')}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {!accepting && <ErrorNotice error={error} />}
      <AcceptDialog
        invitation={accepting}
        onOpenChange={(o) => !o && setAccepting(null)}
        onOpened={onOpened}
      />
    </div>
  );
}
