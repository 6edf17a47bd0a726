import { useFrame, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useLayoutEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { capacityFor } from '../avatars/createAvatarParts.ts';
import { useObjectDrag } from '../interaction/useObjectDrag.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { renderHeightPx } from '../scene/instanceLod.ts';
import { roomClock } from '../state/bindRoomFeed.ts';
import { OBJECT_KINDS, type ObjectKind } from '../state/RoomFeed.ts';
import { createObjectInstances } from './createObjectInstances.ts';

export interface ObjectInteraction {
  /** Called on a click or tap on an object (not at the end of a drag-to-look). */
  onObjectClick?: (objectId: string) => void;
}

function ObjectKindInstances({ kind, onObjectClick }: { kind: ObjectKind } & ObjectInteraction) {
  const store = useRoomStoreApi();
  const objects = useStore(store, (s) => s.objectsByKind[kind]);
  const selectedId = useStore(store, (s) => s.selectedObjectId);
  // only this kind's hovered object re-colours this kind
  const hoveredId = useStore(store, (s) =>
    s.hoveredObjectId && s.objectsByKind[kind].some((o) => o.id === s.hoveredObjectId)
      ? s.hoveredObjectId
      : null,
  );
  const capacity = capacityFor(objects.length);
  const instances = useMemo(() => createObjectInstances(kind, capacity), [kind, capacity]);
  useEffect(() => () => instances.dispose(), [instances]);
  useLayoutEffect(
    () => instances.setMembers(objects, selectedId, hoveredId),
    [instances, objects, selectedId, hoveredId],
  );
  useFrame(({ camera, gl }) =>
    instances.update(store.getState().objectsByKind[kind], roomClock(), camera, renderHeightPx(gl)),
  );
  const drag = useObjectDrag(kind);
  const onClick = (event: ThreeEvent<MouseEvent>) => {
    if (event.instanceId === undefined) return;
    const entry = store.getState().objectsByKind[kind][event.instanceId];
    if (!entry) return;
    event.stopPropagation();
    onObjectClick?.(entry.id);
  };
  const onPointerOver = (event: ThreeEvent<PointerEvent>) => {
    const entry =
      event.instanceId === undefined ? undefined : store.getState().objectsByKind[kind][event.instanceId];
    if (entry) store.hover(entry.id);
  };
  const onPointerOut = () => {
    const hovered = store.getState().hoveredObjectId;
    if (hovered && store.getState().objectsByKind[kind].some((o) => o.id === hovered)) store.hover(null);
  };
  return (
    <primitive
      object={instances.mesh}
      onClick={onClick}
      onPointerOver={onPointerOver}
      onPointerOut={onPointerOut}
      {...drag}
    />
  );
}

/** Every room object, one mesh (one draw call) per kind: see createObjectInstances. */
export function ObjectInstances(props: ObjectInteraction) {
  return (
    <>
      {OBJECT_KINDS.map((kind) => (
        <ObjectKindInstances key={kind} kind={kind} {...props} />
      ))}
    </>
  );
}
