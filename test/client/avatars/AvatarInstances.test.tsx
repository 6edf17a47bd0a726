// @vitest-environment jsdom
import { useThree } from '@react-three/fiber';
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { useLayoutEffect } from 'react';
import { InstancedMesh, Matrix4, Vector3, type Object3D } from 'three';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvatarInstances } from '../../../client/avatars/AvatarInstances.tsx';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { RoomStoreContext } from '../../../client/room/RoomStoreContext.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import type { AvatarSnapshot, Pose } from '../../../client/state/RoomFeed.ts';
import { PATCH_INTERVAL_MS, createRoomStore } from '../../../client/state/roomStore.ts';

initI18n({ lng: 'en' });

const at = (x: number, y: number, z = 0): Pose => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const avatar = (id: string, x: number, speaking = false): AvatarSnapshot => ({
  id,
  identityId: `identity-${id}`,
  displayName: `Name ${id}`,
  color: '#ff0000',
  speaking,
  head: at(x, 1.6),
  left: at(x - 0.2, 1.1),
  right: at(x + 0.2, 1.1),
});

const _m = new Matrix4();
const _v = new Vector3();
function translationOf(mesh: InstancedMesh, index: number): Vector3 {
  mesh.getMatrixAt(index, _m);
  return _v.setFromMatrixPosition(_m).clone();
}
function meshNamed(root: Object3D, name: string): InstancedMesh {
  const found = root.getObjectByName(name);
  if (!(found instanceof InstancedMesh)) throw new Error(`no instanced mesh ${name}`);
  return found;
}
/** Instances drawn by every mesh whose name starts with `prefix` (all levels of detail of a part). */
function drawn(root: Object3D, prefix: string): { mesh: InstancedMesh; index: number; at: Vector3 }[] {
  const out: { mesh: InstancedMesh; index: number; at: Vector3 }[] = [];
  root.traverse((o) => {
    if (!(o instanceof InstancedMesh) || !o.name.startsWith(prefix)) return;
    for (let index = 0; index < o.count; index++) out.push({ mesh: o, index, at: translationOf(o, index) });
  });
  return out.sort((a, b) => a.at.x - b.at.x);
}

/** A camera far enough back to see the whole row of test avatars (x 0..20 at y 1.6). */
function WideCamera() {
  const camera = useThree((s) => s.camera);
  useLayoutEffect(() => {
    camera.position.set(10, 1.6, 40);
    camera.lookAt(10, 1.6, 0);
    camera.updateMatrixWorld();
  }, [camera]);
  return null;
}

// room changes re-render React: apply them inside act so frames see the committed tree
const act = (change: () => void) => ReactThreeTestRenderer.act(async () => change());
let clock = 0;
// tells React that updates are wrapped in act(), as test-renderer does
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(() => {
  vi.restoreAllMocks();
});

async function renderRoom() {
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  const feed = createLocalRoomFeed('me');
  const store = createRoomStore();
  bindRoomFeed(feed, store);
  const renderer = await ReactThreeTestRenderer.create(
    <RoomStoreContext.Provider value={store}>
      <WideCamera />
      <AvatarInstances />
    </RoomStoreContext.Provider>,
  );
  const scene = renderer.scene.instance as unknown as Object3D;
  return { feed, store, renderer, scene };
}

describe('AvatarInstances', () => {
  it('draws every avatar with one instance per head, two per pair of hands, one tag each', async () => {
    clock = 0;
    const { feed, renderer, scene } = await renderRoom();
    await act(() => {
      for (let i = 0; i < 20; i++) feed.putAvatar(avatar(`p${i}`, i));
      feed.putAvatar(avatar('me', 99));
    });
    await renderer.advanceFrames(1, 16);
    const heads = drawn(scene, 'avatar-heads');
    expect(heads).toHaveLength(20);
    expect(drawn(scene, 'avatar-hands')).toHaveLength(40);
    expect(meshNamed(scene, 'avatar-name-tags').count).toBe(20);
    expect(heads[7]!.at.toArray()).toEqual([7, expect.closeTo(1.6, 5), 0]);
    expect(drawn(scene, 'avatar-hands')[15]!.at.x).toBeCloseTo(7.2, 5);
    await act(() => feed.removeAvatar('p0'));
    await renderer.advanceFrames(1, 16);
    expect(drawn(scene, 'avatar-heads')).toHaveLength(19);
    expect(drawn(scene, 'avatar-heads')[0]!.at.x).toBeCloseTo(1, 5);
    await renderer.unmount();
  });

  it('moves instance matrices from store patches, interpolated between them frame by frame', async () => {
    clock = 1000;
    const { feed, renderer, scene } = await renderRoom();
    await act(() => feed.putAvatar(avatar('a', 0)));
    await renderer.advanceFrames(1, 16);
    const [head] = drawn(scene, 'avatar-heads');
    const versionBefore = head!.mesh.instanceMatrix.version;
    clock = 1010;
    await act(() => feed.putAvatar(avatar('a', 4)));
    clock = 1010 + PATCH_INTERVAL_MS / 2;
    await renderer.advanceFrames(1, 16);
    expect(drawn(scene, 'avatar-heads')[0]!.at.x).toBeCloseTo(2, 4);
    expect(head!.mesh.instanceMatrix.version).toBeGreaterThan(versionBefore);
    clock = 1010 + PATCH_INTERVAL_MS * 2;
    await renderer.advanceFrames(1, 16);
    expect(drawn(scene, 'avatar-heads')[0]!.at.x).toBeCloseTo(4, 4);
    // at rest: nothing is rewritten or uploaded again
    const versionAtRest = head!.mesh.instanceMatrix.version;
    clock += 100;
    await renderer.advanceFrames(2, 16);
    expect(head!.mesh.instanceMatrix.version).toBe(versionAtRest);
    await renderer.unmount();
  });

  it('shows the speaking indicator only while the participant speaks', async () => {
    clock = 0;
    const { feed, renderer, scene } = await renderRoom();
    await act(() => feed.putAvatar(avatar('quiet', 0)));
    await act(() => feed.putAvatar(avatar('talker', 2, true)));
    await renderer.advanceFrames(1, 16);
    const indicators = meshNamed(scene, 'avatar-speaking');
    const scaleOf = (i: number) => (indicators.getMatrixAt(i, _m), new Vector3().setFromMatrixScale(_m).x);
    // only the talker's ring is drawn, around its head
    expect(indicators.count).toBe(1);
    expect(translationOf(indicators, 0).x).toBeCloseTo(2, 1);
    expect(translationOf(indicators, 0).y).toBeCloseTo(1.6, 1);
    expect(scaleOf(0)).toBeGreaterThan(0.5);
    await act(() => feed.putAvatar(avatar('talker', 2, false)));
    await renderer.advanceFrames(1, 16);
    expect(indicators.count).toBe(0);
    expect(indicators.visible).toBe(false);
    await renderer.unmount();
  });
});
