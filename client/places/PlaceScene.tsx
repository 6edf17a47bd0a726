import { useEffect, useRef } from 'react';
import type { Group } from 'three';
import type { ChenuApi } from '../api/chenuApi.ts';
import type { SpatialStore } from '../spatial/spatialStore.ts';
import PlaceDoors3D from './PlaceDoors3D.tsx';
import { placeParts } from './PlaceContext.ts';
import ThreadRoom3D from './ThreadRoom3D.tsx';
import type { WorkspaceFeed } from './workspaceFeed.ts';
import WorkspaceRoom3D from './WorkspaceRoom3D.tsx';

/** Where the doors stand: on the left of the entrance, turned to the room's centre line. */
export const DOORS_AT = { x: -2.4, y: 1.2, z: 2.6, rotY: Math.PI / 3 } as const;

/**
 * A thread's or a workspace's room (its own chunk with uikit, like the dataspace's): the thread's
 * wall or the workspace's panels, and the doors back and to the other rooms. Its group is the
 * spatial store's `root` while it stands (end-to-end tests find named objects under it).
 */
export default function PlaceScene({
  place,
  api,
  spatial,
  workspace,
  immersive,
}: {
  place: string;
  api: Pick<ChenuApi, 'messagePage' | 'threadRuns' | 'members'>;
  spatial: SpatialStore;
  workspace: WorkspaceFeed | null;
  immersive: boolean;
}) {
  const root = useRef<Group>(null);
  useEffect(() => {
    spatial.root = root.current;
    return () => void (spatial.root = null);
  }, [spatial]);
  const parts = placeParts(place);
  return (
    <group ref={root} name="place-room">
      {parts?.kind === 'thread' && <ThreadRoom3D key={parts.id} threadId={parts.id} api={api} />}
      {parts?.kind === 'workspace' && workspace && <WorkspaceRoom3D feed={workspace} keyboard={immersive} />}
      <group position={[DOORS_AT.x, DOORS_AT.y, DOORS_AT.z]} rotation-y={DOORS_AT.rotY}>
        <PlaceDoors3D spatial={spatial} />
      </group>
    </group>
  );
}
