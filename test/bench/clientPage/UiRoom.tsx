import { useState } from 'react';
import { createStore } from 'zustand/vanilla';
import TokenHud3D from '../../../client/hud/TokenHud3D.tsx';
import { createMeetingsStore } from '../../../client/meetings/meetingStore.ts';
import PeoplePanel3D from '../../../client/people/PeoplePanel3D.tsx';
import type { PeopleState, PeopleStore } from '../../../client/people/peopleStore.ts';
import { DataspaceContext } from '../../../client/room/DataspaceContext.ts';
import { createDataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { SharePanel3DView } from '../../../client/sharing/SharePanel3D.tsx';
import { createShareStore } from '../../../client/sharing/shareStore.ts';
import SpatialRoom from '../../../client/spatial/SpatialRoom.tsx';
import { createSpatialStore } from '../../../client/spatial/spatialStore.ts';
import ThreadPanel3D from '../../../client/threads/ThreadPanel3D.tsx';
import type { Dataspace } from '../../../client/api/chenuApi.ts';
import {
  decisions,
  invitations,
  members,
  memory,
  messages,
  noApi,
  peopleState,
  threads,
  workspaces,
} from './uiRoomData.ts';

const DATASPACE = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Rénovation cuisine',
  my_role: 'owner',
} as unknown as Dataspace;

/**
 * The product side of "the dataspace room with its full UI panels open": the dataspace as a room
 * (SpatialRoom: memory wall, workspaces with their panels, thread boards, zone signs) and the headset's
 * panels open (the thread panel, people and chat with the chat keyboard out, the share panel with the
 * invite keyboard out, the token HUD), each the real component on its real store, filled from
 * uiRoomData.ts.
 */
export function UiRoom() {
  const [s] = useState(() => {
    const ds = createDataspaceStore(noApi);
    ds.setState({
      dataspace: DATASPACE,
      threads,
      messages,
      decisions,
      openThreadId: threads[0]!.id,
      balance: 798_800,
    });
    const spatial = createSpatialStore(noApi);
    spatial.setState({ dataspaceId: DATASPACE.id, memory, workspaces });
    const meetings = createMeetingsStore(noApi, () => Promise.reject(new Error('no meeting in the bench')));
    const people: PeopleStore = Object.assign(
      createStore<PeopleState>()(() => peopleState),
      { sendChat: () => false, clearChatError() {}, kick: () => false, setMode() {}, dispose() {} },
    );
    const share = createShareStore(noApi, 'http://127.0.0.1');
    share.setState({ dataspaceId: DATASPACE.id, myRole: 'owner', members, invitations, loaded: true });
    return { ds, spatial, meetings, people, share };
  });
  return (
    <DataspaceContext.Provider value={s.ds}>
      <SpatialRoom spatial={s.spatial} dataspace={s.ds} meetings={s.meetings} />
      <ThreadPanel3D />
      <PeoplePanel3D people={s.people} voice={null} writing />
      <SharePanel3DView share={s.share} dataspace={DATASPACE} inviting />
      <TokenHud3D />
    </DataspaceContext.Provider>
  );
}
