// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { Color, InstancedMesh, Matrix4, Vector3, type Object3D } from 'three';
import { describe, expect, it } from 'vitest';
import { HAND_JOINTS } from '../../../shared/protocol/limits.ts';
import { HandJointInstances } from '../../../client/avatars/HandJointInstances.tsx';
import { AvatarInstances } from '../../../client/avatars/AvatarInstances.tsx';
import { RoomStoreContext } from '../../../client/room/RoomStoreContext.ts';
import {
  decodeJoints,
  encodeJoints,
  isHandTracked,
  JOINT_VALUES,
  type TrackedHand,
} from '../../../client/state/handJoints.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A hand with its wrist at `wrist` and joint j at wrist + (j mm, -j mm, 2j mm). */
function hand(wrist: [number, number, number], tracked = true): TrackedHand {
  const positions = new Float32Array(HAND_JOINTS * 3);
  for (let j = 0; j < HAND_JOINTS; j++) {
    positions[j * 3] = wrist[0] + j / 1000;
    positions[j * 3 + 1] = wrist[1] - j / 1000;
    positions[j * 3 + 2] = wrist[2] + (2 * j) / 1000;
  }
  return { tracked, positions };
}

/** What the room does with `pose.j` (server/rooms/SpatialRoom.ts): int16 little-endian, base64. */
function asRoomStores(values: number[]): string {
  const bytes = new Uint8Array(Int16Array.from(values).buffer);
  return btoa(String.fromCharCode(...bytes));
}

const pose = (x: number, y: number, z: number) => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });

describe('hand joints', () => {
  it('encodes millimetres relative to each wrist, and decodes what the room stores', () => {
    expect(encodeJoints(hand([0, 1, 0], false), hand([0, 1, 0], false))).toBeNull();
    const out = encodeJoints(hand([0.3, 1.2, -0.4]), hand([0, 0, 0], false))!;
    expect(out).toHaveLength(JOINT_VALUES);
    expect(out.slice(0, 9)).toEqual([0, 0, 0, 1, -1, 2, 2, -2, 4]);
    expect(out.slice(HAND_JOINTS * 3).every((v) => v === 0)).toBe(true);
    const decoded = new Int16Array(JOINT_VALUES);
    expect(decodeJoints(asRoomStores(out), decoded)).toBe(true);
    expect([...decoded]).toEqual(out);
    expect(isHandTracked(decoded, 0)).toBe(true);
    expect(isHandTracked(decoded, 1)).toBe(false);
    expect(decodeJoints('', decoded)).toBe(false);
    expect(decodeJoints('not base64!', decoded)).toBe(false);
    expect(decodeJoints(btoa('short'), decoded)).toBe(false);
  });

  it('draws every tracked joint of every avatar in one instanced mesh, at the hand pose', async () => {
    const store = createRoomStore();
    const joints = asRoomStores(encodeJoints(hand([0, 0, 0]), hand([0, 0, 0], false))!);
    store.upsertAvatar(
      {
        id: 'a',
        identityId: 'i',
        displayName: 'Bob',
        color: '#ff0000',
        speaking: false,
        head: pose(0, 1.6, 0),
        left: pose(-0.2, 1.1, -0.3),
        right: pose(0.2, 1.1, -0.3),
        joints,
      },
      0,
    );
    const renderer = await ReactThreeTestRenderer.create(
      <RoomStoreContext.Provider value={store}>
        <AvatarInstances />
        <HandJointInstances />
      </RoomStoreContext.Provider>,
    );
    await renderer.advanceFrames(1, 16);
    const scene = renderer.scene.instance as unknown as Object3D;
    const mesh = scene.children.find((c) => c.name === 'avatar-hand-joints') as InstancedMesh;
    expect(mesh).toBeInstanceOf(InstancedMesh);
    // the untracked right hand takes no instance
    expect(mesh.count).toBe(HAND_JOINTS);
    const m = new Matrix4();
    const p = new Vector3();
    mesh.getMatrixAt(4, m);
    expect(
      p
        .setFromMatrixPosition(m)
        .toArray()
        .map((v) => +v.toFixed(4)),
    ).toEqual([-0.196, 1.096, -0.292]);
    const color = new Color();
    mesh.getColorAt(4, color);
    expect(color.getHexString()).toBe('ff0000');
    await renderer.unmount();
  });
});
