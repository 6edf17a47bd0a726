import { Container, Text } from '@react-three/uikit';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ACCENT, INK, MUTED } from '../spatial/spatialText.ts';
import { Panel3D } from '../spatial/Panel3D.tsx';
import { roomColors } from '../spatial/uikitTheme.ts';
import { named, usePress } from '../threads/named.ts';
import type { MeetingsStore } from './meetingStore.ts';

/**
 * The joined meeting's floor control on a 3D panel, for a headset where the dock is not visible: who
 * speaks, the speaker queue, and Raise / Lower hand (named `xr-raise-hand` / `xr-lower-hand`), through
 * the same MeetingRoom feed as the dock. To the right of the entrance, turned toward the room's centre.
 * Nothing while no meeting is joined.
 */
export default function MeetingPanel3D({ meetings }: { meetings: MeetingsStore }) {
  const { t } = useTranslation();
  const live = useStore(meetings, (s) => s.live);
  const feed = meetings.feed();
  if (!live || !feed) return null;
  const me = live.participants.find((p) => p.sessionId === live.selfId);
  const nameOf = (id: string) => live.participants.find((p) => p.sessionId === id)?.displayName ?? '-';
  return (
    <Panel3D
      position={[1.6, 1.35, -0.4]}
      rotationY={-1.15}
      width={460}
      padding={22}
      gap={10}
      title={live.title}
      lod={false}
    >
      <Text fontSize={18} color={INK}>
        {live.speaker ? t('meetings.speaking', { name: nameOf(live.speaker) }) : t('meetings.nobodySpeaking')}
      </Text>
      <Text fontSize={18} color={MUTED}>
        {live.speakerQueue.length === 0
          ? t('meetings.queueEmpty')
          : `${t('meetings.queue')}: ${live.speakerQueue.map(nameOf).join(', ')}`}
      </Text>
      {me?.handRaised ? (
        <HandButton name="xr-lower-hand" label={t('meetings.lowerHand')} onPress={() => feed.lowerHand()} />
      ) : (
        <HandButton
          name="xr-raise-hand"
          label={t('meetings.raiseHand')}
          primary
          onPress={() => feed.raiseHand()}
        />
      )}
    </Panel3D>
  );
}

function HandButton({
  name,
  label,
  onPress,
  primary = false,
}: {
  name: string;
  label: string;
  onPress: () => void;
  primary?: boolean;
}) {
  const press = usePress(onPress);
  return (
    <Container
      ref={named(name)}
      alignSelf="flex-start"
      backgroundColor={primary ? ACCENT : roomColors.secondary}
      hover={{ backgroundColor: roomColors.ring }}
      borderRadius={8}
      paddingX={16}
      paddingY={10}
      cursor="pointer"
      {...press}
    >
      <Text fontSize={20} color={primary ? roomColors.primaryForeground : INK}>
        {label}
      </Text>
    </Container>
  );
}
