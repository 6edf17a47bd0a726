import { useFrame } from '@react-three/fiber';
import { useEffect, useLayoutEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { roomClock } from '../state/bindRoomFeed.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { renderHeightPx } from '../scene/instanceLod.ts';
import { capacityFor, createAvatarParts } from './createAvatarParts.ts';

/** Other participants' heads, hands, name tags and speaking indicators, instanced. */
export function AvatarInstances() {
  const store = useRoomStoreApi();
  const avatars = useStore(store, (s) => s.avatars);
  const capacity = capacityFor(avatars.length);
  const parts = useMemo(() => createAvatarParts(capacity), [capacity]);
  useEffect(() => () => parts.dispose(), [parts]);
  useLayoutEffect(() => parts.setMembers(avatars), [parts, avatars]);
  useFrame(({ camera, gl }) =>
    parts.update(store.getState().avatars, roomClock(), camera, renderHeightPx(gl)),
  );
  return <primitive object={parts.group} />;
}
