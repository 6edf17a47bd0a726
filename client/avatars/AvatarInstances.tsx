import { useFrame } from '@react-three/fiber';
import { useEffect, useLayoutEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { roomClock } from '../state/bindRoomFeed.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { renderHeightPx } from '../scene/instanceLod.ts';
import { capacityFor, createAvatarParts } from './createAvatarParts.ts';
import { avatarTagKey } from './avatarTag.ts';

/**
 * Other participants' heads, hands, name tags and speaking indicators, instanced. A tag says how the
 * person is present (mobile, VR, AR, tracked hands) beside the name.
 */
export function AvatarInstances() {
  const { t } = useTranslation();
  const store = useRoomStoreApi();
  const avatars = useStore(store, (s) => s.avatars);
  const capacity = capacityFor(avatars.length);
  const parts = useMemo(() => createAvatarParts(capacity), [capacity]);
  useEffect(() => () => parts.dispose(), [parts]);
  useLayoutEffect(
    () => parts.setMembers(avatars, (a) => t(avatarTagKey(a), { name: a.displayName })),
    [parts, avatars, t],
  );
  useFrame(({ camera, gl }) =>
    parts.update(store.getState().avatars, roomClock(), camera, renderHeightPx(gl)),
  );
  return <primitive object={parts.group} />;
}
