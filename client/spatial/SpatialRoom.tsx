import { Container, Text } from '@react-three/uikit';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group } from 'three';
import { useStore } from 'zustand';
import type { MeetingsStore } from '../meetings/meetingStore.ts';
import { DataspaceContext } from '../room/DataspaceContext.ts';
import type { DataspaceStore } from '../room/dataspaceStore.ts';
import { spatialFontSizes } from '../design/tokens.ts';
import { MeetingTable } from './MeetingTable.tsx';
import { ObjectLabel } from './ObjectLabel.tsx';
import { ACCENT, panelFontProps } from './spatialText.ts';
import { attachUikitTheme } from './uikitTheme.ts';
import { MemoryWall } from './MemoryWall.tsx';
import { MEMORY_CARD, memoryWall } from './spatialLayout.ts';
import type { RoomStore } from '../state/roomStore.ts';
import type { SpatialStore } from './spatialStore.ts';
import { ThreadBoards } from './ThreadBoards.tsx';
import { WorkspacePanels } from './WorkspacePanels.tsx';
import { BakedGroup } from './BakedGroup.tsx';

/**
 * Where each part of a dataspace stands in its room: the desktop viewer enters at z = 4 looking at -z,
 * and an XR session starts where the desktop viewer stood (client/xr/xrOrigin.ts).
 */
export const ROOM_PLAN = {
  /** The memory wall's centre line, facing the entrance. */
  memoryWall: { x: 0, z: -4.5, lowestEdgeY: 0.45 },
  /** Workspaces along the left, facing the room's centre line. */
  workspaces: { x: -4, z: 0, rotY: Math.PI / 2 },
  /** Thread panels on the right, on an arc around a viewer at x ≈ 1. */
  threads: { x: 4, z: 0, rotY: -Math.PI / 2 },
  /** The meeting table between the two, 3 m ahead of the entrance: seen whole, not from above. */
  meetingTable: { x: 0, z: 1 },
} as const;

// the room's panels take their colours from the design tokens, and follow the theme
attachUikitTheme();

/** Height of the zone signs' baseline (m): above the panels, read from the entrance. */
const SIGN_Y_M = 2.95;

/** A zone's name in large type over it (Threads, Workspaces): what is where, seen from the door. */
function ZoneSign({ label }: { label: string }) {
  return (
    <BakedGroup position={[0, SIGN_Y_M, 0]} name="zone-sign">
      <Container {...panelFontProps()} flexDirection="column" alignItems="center">
        <Text fontSize={spatialFontSizes.sign} fontWeight="semi-bold" color={ACCENT}>
          {label}
        </Text>
      </Container>
    </BakedGroup>
  );
}

/**
 * A dataspace as a room, in every mode (desktop, mobile, VR, AR): its memory items as cards on a
 * wall, its workspaces with their panels laid out, its open threads as floating panels, and a
 * meeting table when it has meetings. Its own chunk (uikit), loaded lazily; never @react-three/xr.
 */
export default function SpatialRoom({
  spatial,
  dataspace,
  meetings,
  room,
}: {
  spatial: SpatialStore;
  dataspace: DataspaceStore;
  meetings: MeetingsStore;
  /** The room's objects, to name the hovered or selected one (absent: no labels). */
  room?: RoomStore;
}) {
  const { t } = useTranslation();
  const root = useRef<Group>(null);
  const memory = useStore(spatial, (s) => s.memory);
  const memoryError = useStore(spatial, (s) => s.memoryError);
  const truncated = useStore(spatial, (s) => s.memoryTruncated);
  const workspaces = useStore(spatial, (s) => s.workspaces);
  const workspacesError = useStore(spatial, (s) => s.workspacesError);
  useEffect(() => {
    spatial.root = root.current;
    return () => void (spatial.root = null);
  }, [spatial]);
  const wallHeight = Math.max(memoryWall(memory.length).height, MEMORY_CARD.height);
  const plan = ROOM_PLAN;
  return (
    <DataspaceContext.Provider value={dataspace}>
      <group ref={root} name="spatial-room">
        <group
          position={[
            plan.memoryWall.x,
            Math.max(1.5, plan.memoryWall.lowestEdgeY + wallHeight / 2),
            plan.memoryWall.z,
          ]}
        >
          <MemoryWall items={memory} error={memoryError} truncated={truncated} spatial={spatial} />
        </group>
        <group position={[plan.workspaces.x, 0, plan.workspaces.z]} rotation-y={plan.workspaces.rotY}>
          <WorkspacePanels views={workspaces} error={workspacesError} spatial={spatial} />
          <ZoneSign label={t('spatial.signs.workspaces')} />
        </group>
        <group position={[plan.threads.x, 0, plan.threads.z]} rotation-y={plan.threads.rotY}>
          <ThreadBoards />
          <ZoneSign label={t('spatial.signs.threads')} />
        </group>
        <group position={[plan.meetingTable.x, 0, plan.meetingTable.z]}>
          <MeetingTable meetings={meetings} />
        </group>
        {room && <ObjectLabel room={room} />}
      </group>
    </DataspaceContext.Provider>
  );
}
