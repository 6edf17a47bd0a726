import { Container } from '@react-three/uikit';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { CHAT_MAX_CHARS } from '../../shared/protocol/limits.ts';
import { canModerate, canSpeak } from '../../shared/protocol/roomRules.ts';
import { PanelButton3D } from '../spatial/PanelButton3D.tsx';
import { ACCENT, ERROR, INK, MUTED } from '../spatial/spatialText.ts';
import { Panel3D } from '../spatial/Panel3D.tsx';
import { roomColors } from '../spatial/uikitTheme.ts';
import { named } from '../threads/named.ts';
import { KeyboardForm3D } from '../threads/VirtualKeyboard3D.tsx';
import { useErrorText } from '../ui/ErrorNotice.tsx';
import type { VoiceSession } from '../voice/voiceSession.ts';
import type { PeopleStore, Person } from './peopleStore.ts';
import { PanelText } from '../spatial/panelLod.tsx';

/** Chat lines the panel shows (the newest). */
const CHAT_LINES = 6;
/** Where the panel stands: left of the entrance, beside the bureau, turned toward the room's centre. */
export const PEOPLE_PANEL_POSITION = [-1.45, 1.3, 0.75] as const;

/**
 * The dock's people tab on a 3D panel, for a headset: who is here with their role and how (VR, AR,
 * muted, speaking), the room's chat — read it, Write on the virtual keyboard, Send — and for
 * moderators the room's moderation: mute or unmute a person (the SFU stops forwarding them; the room
 * applies it to every device of the identity), mute or unmute everyone, remove a person from the room.
 * The same people store and voice session as the 2D tab (PeoplePanel, VoiceModeration).
 */
export default function PeoplePanel3D({
  people,
  voice,
  writing: startWriting = false,
}: {
  people: PeopleStore;
  voice: VoiceSession | null;
  /** Opens with the chat's keyboard out. */
  writing?: boolean;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const list = useStore(people, (s) => s.people);
  const chat = useStore(people, (s) => s.chat);
  const myRole = useStore(people, (s) => s.myRole);
  const chatError = useStore(people, (s) => s.chatError);
  const [writing, setWriting] = useState(startWriting);
  const [text, setText] = useState('');
  const moderates = myRole !== null && canModerate(myRole);
  const speaks = myRole !== null && canSpeak(myRole);
  const send = () => {
    if (people.sendChat(text)) {
      setText('');
      setWriting(false);
    }
  };
  return (
    <Panel3D
      position={PEOPLE_PANEL_POSITION}
      rotationY={1.9}
      width={600}
      title={t('people.here', { count: list.length })}
    >
      {list.map((p) => (
        <PersonRow key={p.identityId} person={p} moderates={moderates} people={people} voice={voice} />
      ))}
      {moderates && (
        <Container flexDirection="row" gap={8}>
          <PanelButton3D name="xr-mute-all" label={t('voice.muteAll')} onPress={() => voice?.muteAll(true)} />
          <PanelButton3D
            name="xr-unmute-all"
            label={t('voice.unmuteAll')}
            onPress={() => voice?.muteAll(false)}
          />
        </Container>
      )}
      <PanelText fontSize={20} fontWeight="semi-bold" color={INK} marginTop={6}>
        {t('chat.title')}
      </PanelText>
      <Container ref={named('xr-chat-log')} flexDirection="column" gap={4}>
        {chat.length === 0 ? (
          <PanelText fontSize={17} color={MUTED}>
            {speaks ? t('chat.empty') : t('chat.emptyViewer')}
          </PanelText>
        ) : (
          chat.slice(-CHAT_LINES).map((line) => (
            <PanelText key={line.key} fontSize={17} color={line.mine ? ACCENT : INK}>
              {`${line.name}: ${line.text}`}
            </PanelText>
          ))
        )}
      </Container>
      {chatError && (
        <PanelText fontSize={17} color={ERROR}>
          {errorText(chatError)}
        </PanelText>
      )}
      {!speaks ? (
        myRole && (
          <PanelText fontSize={17} color={MUTED}>
            {t('chat.viewer')}
          </PanelText>
        )
      ) : writing ? (
        <>
          <Container backgroundColor={roomColors.muted} borderRadius={8} padding={10} minHeight={44}>
            <PanelText ref={named('xr-chat-draft')} fontSize={19} color={text ? INK : MUTED}>
              {text ? `${text}|` : t('chat.placeholder')}
            </PanelText>
          </Container>
          <KeyboardForm3D
            name="xr-chat"
            value={text}
            onChange={setText}
            maxLength={CHAT_MAX_CHARS}
            sendLabel={t('chat.send')}
            onCancel={() => setWriting(false)}
            onSend={send}
          />
        </>
      ) : (
        <PanelButton3D name="xr-chat-write" label={t('xrComposer.write')} onPress={() => setWriting(true)} />
      )}
    </Panel3D>
  );
}

function PersonRow({
  person: p,
  moderates,
  people,
  voice,
}: {
  person: Person;
  moderates: boolean;
  people: PeopleStore;
  voice: VoiceSession | null;
}) {
  const { t } = useTranslation();
  // removing someone takes a second press, on a button that names them
  const [confirming, setConfirming] = useState(false);
  const meta = [
    t(`roles.${p.role}`),
    p.mode !== 'desktop' ? t(`modes.${p.mode}`) : '',
    p.muted ? t('people.muted') : '',
    p.speaking ? t('people.speaking') : '',
    p.away ? t('people.away') : '',
  ]
    .filter(Boolean)
    .join(' · ');
  // the host is never moderated (the room refuses it), nor is oneself
  const actionable = moderates && !p.self && p.role !== 'host';
  return (
    <Container flexDirection="row" alignItems="center" gap={8}>
      <Container width={14} height={14} borderRadius={7} backgroundColor={p.color} flexShrink={0} />
      <Container flexDirection="column" flexGrow={1} flexShrink={1}>
        <PanelText fontSize={19} fontWeight="semi-bold" color={INK}>
          {p.self ? `${p.name} ${t('share.you')}` : p.name}
        </PanelText>
        <PanelText fontSize={15} color={MUTED}>
          {meta}
        </PanelText>
      </Container>
      {actionable && (
        <PanelButton3D
          name={`xr-mute-${p.identityId}`}
          label={p.muted ? t('voice.unmute') : t('voice.mute')}
          size={16}
          active={p.muted}
          onPress={() => voice?.mute(p.sessionId, !p.muted)}
        />
      )}
      {actionable &&
        (confirming ? (
          <PanelButton3D
            name={`xr-kick-confirm-${p.identityId}`}
            label={t('xrPanels.kickConfirm', { name: p.name })}
            size={16}
            primary
            onPress={() => people.kick(p.sessionId)}
          />
        ) : (
          <PanelButton3D
            name={`xr-kick-${p.identityId}`}
            label={t('xrPanels.kick')}
            size={16}
            onPress={() => setConfirming(true)}
          />
        ))}
    </Container>
  );
}
