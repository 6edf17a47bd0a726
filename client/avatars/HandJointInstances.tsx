import { useFrame } from '@react-three/fiber';
import { useEffect, useLayoutEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { capacityFor } from './createAvatarParts.ts';
import { createHandJointInstances } from './createHandJointInstances.ts';

/** Others' articulated hands (when their device tracks hands), one instanced mesh for everyone. */
export function HandJointInstances() {
  const store = useRoomStoreApi();
  const avatars = useStore(store, (s) => s.avatars);
  const capacity = capacityFor(avatars.length);
  const joints = useMemo(() => createHandJointInstances(capacity), [capacity]);
  useEffect(() => () => joints.dispose(), [joints]);
  useLayoutEffect(() => joints.setMembers(avatars), [joints, avatars]);
  // mounted after AvatarInstances (RoomScene), so its frame callback runs after the tracks were sampled;
  // a positive priority would take over R3F's render loop
  useFrame(() => joints.update(store.getState().avatars));
  return <primitive object={joints.mesh} />;
}
