import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Member, MemberRole } from '../api/chenuApi.ts';
import { useSession } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { SelectField } from '../ui/SelectField.tsx';
import { MEMBER_ROLES } from './roles.ts';
import type { ShareStore } from './shareStore.ts';

/** One person with access: name and colour, role (a select for hosts), remove or leave. */
function MemberRow({
  member,
  share,
  hosting,
  isMe,
  onLeft,
}: {
  member: Member;
  share: ShareStore;
  hosting: boolean;
  isMe: boolean;
  onLeft: () => void;
}) {
  const { t } = useTranslation();
  const busy = useStore(share, (s) => s.busy);
  const [confirming, setConfirming] = useState(false);
  const id = member.membership_id;
  const owner = member.role === 'owner';
  // the owner is never removed nor demoted; a host manages the others; anyone may leave
  const manage = hosting && !owner && id !== null && !isMe;
  const leave = isMe && !owner && id !== null;
  return (
    <li className="share-row" data-role={member.role}>
      <div className="row">
        <span className="dot" style={{ background: member.color }} aria-hidden="true" />
        <span className="grow">
          {member.name}
          {isMe && <span className="muted"> {t('share.you')}</span>}
          {member.via_link && <span className="badge">{t('share.viaLink')}</span>}
        </span>
        {manage ? (
          <SelectField
            className="role-select"
            label={t('share.roleOf', { name: member.name })}
            hideLabel
            options={MEMBER_ROLES.map((r) => ({ id: r, label: t(`memberRoles.${r}`) }))}
            value={member.role}
            isDisabled={busy !== null}
            onChange={(role) => role !== member.role && void share.changeRole(id, role as MemberRole)}
          />
        ) : (
          <span className={owner ? 'badge badge-accent' : 'badge'}>{t(`memberRoles.${member.role}`)}</span>
        )}
        {(manage || leave) && !confirming && (
          <Button
            size="sm"
            variant="quiet"
            aria-label={leave ? t('share.leave') : t('share.removeLabel', { name: member.name })}
            onPress={() => setConfirming(true)}
          >
            {leave ? t('share.leave') : t('share.remove')}
          </Button>
        )}
      </div>
      {confirming && (
        <div
          className="row confirm-row"
          role="group"
          aria-label={t('share.confirmLabel', { name: member.name })}
        >
          <span className="grow">
            {leave ? t('share.leaveConfirm') : t('share.removeConfirm', { name: member.name })}
          </span>
          <Button size="sm" variant="quiet" onPress={() => setConfirming(false)}>
            {t('common.cancel')}
          </Button>
          <Button
            size="sm"
            variant="danger"
            isDisabled={busy === 'remove'}
            onPress={() =>
              void share.remove(id!).then((ok) => {
                setConfirming(false);
                if (ok && leave) onLeft();
              })
            }
          >
            {leave ? t('share.leave') : t('share.removeNow', { name: member.name })}
          </Button>
        </div>
      )}
    </li>
  );
}

/** Who has access to the dataspace: the owner first, then the members with their roles. */
export function MembersList({
  share,
  hosting,
  onLeft,
}: {
  share: ShareStore;
  hosting: boolean;
  onLeft: () => void;
}) {
  const { t } = useTranslation();
  const members = useStore(share, (s) => s.members);
  const me = useSession((s) => s.activeIdentityId);
  return (
    <section className="stack" aria-labelledby="share-people-title">
      <h3 id="share-people-title" className="section-title">
        {t('share.people', { count: members.length })}
      </h3>
      <ul className="item-list" aria-label={t('share.peopleList')}>
        {members.map((m) => (
          <MemberRow
            key={m.identity_id}
            member={m}
            share={share}
            hosting={hosting}
            isMe={m.identity_id === me}
            onLeft={onLeft}
          />
        ))}
      </ul>
    </section>
  );
}
