import { Container } from '@react-three/uikit';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Dataspace, MemberRole } from '../api/chenuApi.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { useSessionStore } from '../session/SessionContext.ts';
import { PanelButton3D } from '../spatial/PanelButton3D.tsx';
import { ERROR, INK, MUTED, SUCCESS } from '../spatial/spatialText.ts';
import { Panel3D } from '../spatial/Panel3D.tsx';
import { roomColors } from '../spatial/uikitTheme.ts';
import { named } from '../threads/named.ts';
import { KeyboardForm3D } from '../threads/VirtualKeyboard3D.tsx';
import { useErrorText } from '../ui/ErrorNotice.tsx';
import { MEMBER_ROLES, can } from './roles.ts';
import { createShareStore, type ShareStore } from './shareStore.ts';
import { PanelText } from '../spatial/panelLod.tsx';

/** An e-mail address is at most this long (RFC 5321). */
const EMAIL_MAX_CHARS = 254;
/** Where the panel stands: right of the entrance, behind the meeting panel, turned toward the centre. */
export const SHARE_PANEL_POSITION = [1.45, 1.3, 0.75] as const;

/**
 * The share dialog on a 3D panel, for a headset: who has access with their role and the invitations
 * waiting for an answer; for the owner and hosts, Invite — the e-mail typed on the virtual keyboard, the
 * role chosen by pressing it (viewer, participant, editor, host), Send — through the same share store
 * as the 2D dialog (ShareDialog), so the API decides and the invitee's inbox shows it at once.
 */
export default function SharePanel3D({ fallback }: { fallback: Pick<Dataspace, 'id' | 'name' | 'my_role'> }) {
  // the dataspace as last read: a role a host changes applies here too (RoomSession reads it again)
  const dataspace = useDataspace((s) => s.dataspace) ?? fallback;
  const session = useSessionStore();
  const [share] = useState(() =>
    createShareStore(session.api, globalThis.location?.origin ?? 'http://localhost'),
  );
  useEffect(() => void share.load(dataspace.id, dataspace.my_role), [share, dataspace.id, dataspace.my_role]);
  return <SharePanel3DView share={share} dataspace={dataspace} />;
}

/** The panel on a given share store (loaded by its owner). `inviting`: opens with the invite form. */
export function SharePanel3DView({
  share,
  dataspace,
  inviting: startInviting = false,
}: {
  share: ShareStore;
  dataspace: Pick<Dataspace, 'name' | 'my_role'>;
  inviting?: boolean;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const members = useStore(share, (s) => s.members);
  const invitations = useStore(share, (s) => s.invitations);
  const busy = useStore(share, (s) => s.busy);
  const error = useStore(share, (s) => s.error);
  const [inviting, setInviting] = useState(startInviting);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('participant');
  const [sent, setSent] = useState<string | null>(null);
  const hosting = can(dataspace.my_role, 'share');
  const nextRole = () => setRole(MEMBER_ROLES[(MEMBER_ROLES.indexOf(role) + 1) % MEMBER_ROLES.length]!);
  const send = () => {
    if (busy === 'invite' || !email.trim()) return;
    void share.invite(email, role).then((row) => {
      if (!row) return;
      setSent(row.invitee_email);
      setEmail('');
      setInviting(false);
    });
  };
  return (
    <Panel3D
      position={SHARE_PANEL_POSITION}
      rotationY={-1.9}
      width={620}
      title={t('share.title', { name: dataspace.name })}
    >
      <PanelText fontSize={17} color={MUTED}>
        {t('share.people', { count: members.length })}
      </PanelText>
      {members.map((m) => (
        <PanelText key={m.identity_id} fontSize={18} color={INK}>
          {`${m.name} · ${t(`memberRoles.${m.role}`)}`}
        </PanelText>
      ))}
      {invitations.length > 0 && (
        <Container ref={named('xr-share-pending')} flexDirection="column" gap={4}>
          <PanelText fontSize={17} color={MUTED}>
            {t('share.pending')}
          </PanelText>
          {invitations.map((i) => (
            <PanelText key={i.id} fontSize={18} color={INK}>
              {`${i.invitee_email} · ${t(`memberRoles.${i.role}`)}`}
            </PanelText>
          ))}
        </Container>
      )}
      {!hosting ? (
        <PanelText fontSize={17} color={MUTED}>
          {t('share.notHost')}
        </PanelText>
      ) : inviting ? (
        <>
          <PanelText fontSize={20} fontWeight="semi-bold" color={INK}>
            {t('share.inviteTitle')}
          </PanelText>
          <Container backgroundColor={roomColors.muted} borderRadius={8} padding={10} minHeight={44}>
            <PanelText ref={named('xr-share-email')} fontSize={19} color={email ? INK : MUTED}>
              {email ? `${email}|` : t('share.emailPlaceholder')}
            </PanelText>
          </Container>
          <Container flexDirection="row" gap={8} alignItems="center">
            <PanelText fontSize={17} color={MUTED}>
              {t('share.role')}
            </PanelText>
            <PanelButton3D name="xr-share-role" label={`${t(`memberRoles.${role}`)} »`} onPress={nextRole} />
          </Container>
          <KeyboardForm3D
            name="xr-share"
            value={email}
            onChange={setEmail}
            maxLength={EMAIL_MAX_CHARS}
            sendLabel={t('share.send')}
            onCancel={() => setInviting(false)}
            onSend={send}
          />
        </>
      ) : (
        <PanelButton3D
          name="xr-share-invite"
          label={t('share.inviteTitle')}
          onPress={() => {
            share.clearError();
            setSent(null);
            setInviting(true);
          }}
        />
      )}
      {sent && (
        <PanelText ref={named('xr-share-sent')} fontSize={17} color={SUCCESS}>
          {t('share.sent', { email: sent })}
        </PanelText>
      )}
      {error && (
        <PanelText fontSize={17} color={ERROR}>
          {errorText(error)}
        </PanelText>
      )}
    </Panel3D>
  );
}
