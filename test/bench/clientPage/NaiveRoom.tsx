import { useFrame } from '@react-three/fiber';
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { CanvasTexture, Euler, Mesh, MeshBasicMaterial, MeshLambertMaterial, type Object3D } from 'three';
import {
  handGeometry,
  headGeometry,
  speakingGeometry,
  tagGeometry,
  torsoGeometry,
  TAG_LIFT_M,
} from '../../../client/avatars/avatarGeometry.ts';
import { TAG_FONT, TAG_HEIGHT_PX, TAG_WIDTH_PX } from '../../../client/avatars/NameTagAtlas.ts';
import { OBJECT_LOOKS } from '../../../client/objects/objectKinds.ts';
import { useRoomStoreApi } from '../../../client/room/RoomStoreContext.ts';
import { roomClock } from '../../../client/state/bindRoomFeed.ts';
import { sampleTrack } from '../../../client/state/poseTrack.ts';
import { OBJECT_KINDS } from '../../../client/state/RoomFeed.ts';

const _euler = new Euler();

function tagTexture(name: string, color: string): CanvasTexture<OffscreenCanvas> {
  const canvas = new OffscreenCanvas(TAG_WIDTH_PX, TAG_HEIGHT_PX);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, TAG_WIDTH_PX, TAG_HEIGHT_PX);
  ctx.fillStyle = '#fff';
  ctx.font = TAG_FONT;
  ctx.fillText(name, 20, 40);
  return new CanvasTexture(canvas);
}

/**
 * The same room as RoomScene's avatars and objects, but the way one writes it without instancing:
 * one mesh (one draw call) per head, torso, hand, tag, indicator and object, posed from the same store, with the
 * product's materials (Lambert) and its full-detail geometries; three culls each mesh against the view
 * and sorts opaque meshes front to back, as it does for any scene.
 */
export function NaiveRoom() {
  const store = useRoomStoreApi();
  const avatars = useStore(store, (s) => s.avatars);
  const byKind = useStore(store, (s) => s.objectsByKind);
  const avatarMeshes = useMemo(
    () =>
      avatars.map((a) => {
        const material = new MeshLambertMaterial({ color: a.color });
        const body = new MeshLambertMaterial({ color: a.color, vertexColors: true });
        return {
          entry: a,
          head: new Mesh(headGeometry, body),
          torso: new Mesh(torsoGeometry, body),
          left: new Mesh(handGeometry, material),
          right: new Mesh(handGeometry, material),
          tag: new Mesh(
            tagGeometry,
            new MeshBasicMaterial({ map: tagTexture(a.displayName, a.color), transparent: true }),
          ),
          speaking: new Mesh(speakingGeometry, new MeshBasicMaterial({ color: a.color })),
        };
      }),
    [avatars],
  );
  const objectMeshes = useMemo(
    () =>
      OBJECT_KINDS.flatMap((kind) =>
        byKind[kind].map((o) => ({
          entry: o,
          mesh: new Mesh(
            OBJECT_LOOKS[kind].geometry,
            new MeshLambertMaterial({ color: OBJECT_LOOKS[kind].color }),
          ),
        })),
      ),
    [byKind],
  );
  useFrame(({ camera }) => {
    const now = roomClock();
    const place = (target: Object3D, c: Float32Array, pose: number) => {
      const o = pose * 7;
      target.position.set(c[o]!, c[o + 1]!, c[o + 2]!);
      target.quaternion.set(c[o + 3]!, c[o + 4]!, c[o + 5]!, c[o + 6]!);
    };
    for (const m of avatarMeshes) {
      sampleTrack(m.entry.track, now);
      const c = m.entry.track.current;
      place(m.head, c, 0);
      // the torso turns with the head's yaw only, as the product's shader keeps it
      m.torso.position.copy(m.head.position);
      m.torso.rotation.set(0, _euler.setFromQuaternion(m.head.quaternion, 'YXZ').y, 0);
      place(m.left, c, 1);
      place(m.right, c, 2);
      m.tag.position.set(c[0]!, c[1]! + TAG_LIFT_M, c[2]!);
      m.tag.quaternion.copy(camera.quaternion);
      m.speaking.visible = m.entry.speaking;
      m.speaking.position.copy(m.head.position);
      m.speaking.quaternion.copy(camera.quaternion);
    }
    for (const { entry, mesh } of objectMeshes) {
      sampleTrack(entry.track, now);
      place(mesh, entry.track.current, 0);
      mesh.scale.setScalar(entry.track.current[7]!);
    }
  });
  return (
    <>
      {avatarMeshes.map((m) => (
        <group key={m.entry.id}>
          <primitive object={m.head} />
          <primitive object={m.torso} />
          <primitive object={m.left} />
          <primitive object={m.right} />
          <primitive object={m.tag} />
          <primitive object={m.speaking} />
        </group>
      ))}
      {objectMeshes.map(({ entry, mesh }) => (
        <primitive key={entry.id} object={mesh} />
      ))}
    </>
  );
}
