import { useFrame } from '@react-three/fiber';
import { Container, Text } from '@react-three/uikit';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Vector3, type Group } from 'three';
import { useStore } from 'zustand';
import { clientStore } from '../app/clientStore.ts';
import type { RoomStore } from '../state/roomStore.ts';
import { anchoringOf, worldAnchorStore } from '../state/worldAnchorStore.ts';
import { ACCENT, BORDER, INK, SURFACE, panelFontProps } from './spatialText.ts';

/** Height of the label above the object's centre (m). */
const LIFT_M = 0.42;
const _camera = new Vector3();

/**
 * The name of the object under the pointer, or else of the selected one, floating above it and
 * turned to the viewer: no object in the room is an anonymous slab. While one is hovered the page's
 * cursor says it can be picked. One uikit root; its pose is written in the frame loop (no allocation).
 */
export function ObjectLabel({ room: store }: { room: RoomStore }) {
  const { t } = useTranslation();
  const hovered = useStore(store, (s) => s.hoveredObjectId);
  const selected = useStore(store, (s) => s.selectedObjectId);
  const id = hovered ?? selected;
  const entry = id ? store.findObject(id) : undefined;
  // in AR, what holds a placed object where it is: a WebXR anchor, or its room-space pose
  const inAR = useStore(clientStore, (s) => s.xrStatus === 'immersive-ar');
  const anchors = useStore(store, (s) => s.anchors);
  const inWorld = useStore(worldAnchorStore, (s) => s.inWorld);
  const anchoring = inAR && id ? anchoringOf(anchors, id, inWorld) : null;
  const group = useRef<Group>(null);
  useEffect(() => {
    if (!hovered || typeof document === 'undefined') return;
    document.body.style.cursor = 'pointer';
    return () => void (document.body.style.cursor = '');
  }, [hovered]);
  useFrame(({ camera }) => {
    const g = group.current;
    const o = id ? store.findObject(id) : undefined;
    if (!g || !o) return;
    const c = o.track.current;
    g.position.set(c[0]!, c[1]! + LIFT_M, c[2]!);
    camera.getWorldPosition(_camera);
    g.rotation.y = Math.atan2(_camera.x - g.position.x, _camera.z - g.position.z);
  });
  if (!entry) return null;
  return (
    <group ref={group} name="object-label" userData={{ objectId: entry.id, anchoring }}>
      <Container
        {...panelFontProps()}
        backgroundColor={SURFACE}
        borderColor={id === selected ? ACCENT : BORDER}
        borderWidth={4}
        borderRadius={12}
        paddingX={16}
        paddingY={8}
        flexDirection="column"
        alignItems="center"
      >
        <Text fontSize={26} fontWeight="semi-bold" color={INK}>
          {t(`objectKinds.${entry.kind}`)}
        </Text>
        {id === selected && (
          <Text fontSize={20} color={ACCENT}>
            {t('spatial.selected')}
          </Text>
        )}
        {anchoring && (
          <Text fontSize={20} color={INK}>
            {t(anchoring === 'world' ? 'spatial.anchoredWorld' : 'spatial.placedInRoom')}
          </Text>
        )}
      </Container>
    </group>
  );
}
