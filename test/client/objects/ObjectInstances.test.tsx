// @vitest-environment jsdom
import { useThree } from '@react-three/fiber';
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { useLayoutEffect } from 'react';
import { Color, Mesh, Vector3, type BufferAttribute, type Object3D } from 'three';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ObjectInstances } from '../../../client/objects/ObjectInstances.tsx';
import { OBJECT_LOOKS, SELECTED_COLOR } from '../../../client/objects/objectKinds.ts';
import { RoomStoreContext } from '../../../client/room/RoomStoreContext.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import { createCrowdSimulation } from '../../../client/state/crowdSimulation.ts';
import { PATCH_INTERVAL_MS, createRoomStore } from '../../../client/state/roomStore.ts';

let clock = 0;

/** Looking down on the whole room, so no object is culled. */
function TopCamera() {
  const camera = useThree((s) => s.camera);
  useLayoutEffect(() => {
    camera.position.set(0, 60, 0);
    camera.lookAt(0, 0, 0);
    camera.updateMatrixWorld();
  }, [camera]);
  return null;
}

/** Centre of object `index`'s vertices in a kind's mesh (its room-space position). */
function centreOf(mesh: Mesh, index: number): Vector3 {
  const position = mesh.geometry.getAttribute('position') as BufferAttribute;
  const vertices = OBJECT_LOOKS.note.geometry.getAttribute('position').count;
  const sum = new Vector3();
  for (let v = index * vertices; v < (index + 1) * vertices; v++)
    sum.add(new Vector3().fromBufferAttribute(position, v));
  return sum.divideScalar(vertices);
}
// tells React that updates are wrapped in act(), as test-renderer does
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(() => vi.restoreAllMocks());

describe('ObjectInstances', () => {
  it('renders each kind as one mesh (one draw call), follows moves, and reports clicks by object id', async () => {
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    createCrowdSimulation(feed, { avatars: 0, objects: 1000, seed: 3 });
    const clicked: string[] = [];
    const renderer = await ReactThreeTestRenderer.create(
      <RoomStoreContext.Provider value={store}>
        <TopCamera />
        <ObjectInstances onObjectClick={(id) => clicked.push(id)} />
      </RoomStoreContext.Provider>,
    );
    await renderer.advanceFrames(1, 16);
    const scene = renderer.scene.instance as unknown as Object3D;
    const meshes = scene.children.filter((c): c is Mesh => c instanceof Mesh);
    // every object in view: 250 slabs per kind, each drawn whole (36 indices) or as its two faces (12)
    const objectsDrawn = (m: Mesh) => {
      const whole = (m.geometry.drawRange.count - 250 * 12) / (36 - 12);
      return Number.isInteger(whole) && whole >= 0 && whole <= 250 ? 'all 250' : `${whole} whole`;
    };
    expect(meshes.map((m) => [m.name, objectsDrawn(m)])).toEqual([
      ['objects-thread-panel', 'all 250'],
      ['objects-workspace-panel', 'all 250'],
      ['objects-memory-card', 'all 250'],
      ['objects-note', 'all 250'],
    ]);

    const notes = meshes[3]!;
    const target = store.getState().objectsByKind.note[10]!;
    expect(await feed.grab(target.id)).toMatchObject({ ok: true });
    clock = 100;
    feed.move(target.id, { x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1 });
    clock = 100 + PATCH_INTERVAL_MS;
    await renderer.advanceFrames(1, 16);
    expect(centreOf(notes, 10).distanceTo(new Vector3(1, 2, 3))).toBeLessThan(1e-5);

    const noteInstances = renderer.scene.children[3]!;
    await renderer.fireEvent(noteInstances, 'onClick', { instanceId: 10 });
    expect(clicked).toEqual([target.id]);
    await ReactThreeTestRenderer.act(async () => store.select(target.id));
    await renderer.advanceFrames(1, 16);
    const color = new Color();
    color.fromBufferAttribute(notes.geometry.getAttribute('color') as BufferAttribute, 10 * 24);
    expect(color.getHexString()).toBe(new Color(SELECTED_COLOR).getHexString());
    await renderer.unmount();
  });
});
