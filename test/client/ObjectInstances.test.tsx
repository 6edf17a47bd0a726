// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { Color, InstancedMesh, Matrix4, Vector3, type Object3D } from 'three';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ObjectInstances } from '../../client/objects/ObjectInstances.tsx';
import { SELECTED_COLOR } from '../../client/objects/objectKinds.ts';
import { RoomStoreContext } from '../../client/room/RoomStoreContext.ts';
import { bindRoomFeed } from '../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../client/state/createLocalRoomFeed.ts';
import { createCrowdSimulation } from '../../client/state/crowdSimulation.ts';
import { PATCH_INTERVAL_MS, createRoomStore } from '../../client/state/roomStore.ts';

const _m = new Matrix4();
let clock = 0;
// tells React that updates are wrapped in act(), as test-renderer does
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
afterEach(() => vi.restoreAllMocks());

describe('ObjectInstances', () => {
  it('renders each kind as one instanced mesh, follows moves, and reports clicks by object id', async () => {
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    createCrowdSimulation(feed, { avatars: 0, objects: 1000, seed: 3 });
    const clicked: string[] = [];
    const renderer = await ReactThreeTestRenderer.create(
      <RoomStoreContext.Provider value={store}>
        <ObjectInstances onObjectClick={(id) => clicked.push(id)} />
      </RoomStoreContext.Provider>,
    );
    await renderer.advanceFrames(1, 16);
    const scene = renderer.scene.instance as unknown as Object3D;
    const meshes = scene.children.filter((c): c is InstancedMesh => c instanceof InstancedMesh);
    expect(meshes.map((m) => [m.name, m.count])).toEqual([
      ['objects-thread-panel', 250],
      ['objects-workspace-panel', 250],
      ['objects-memory-card', 250],
      ['objects-note', 250],
    ]);

    const notes = meshes[3]!;
    const target = store.getState().objectsByKind.note[10]!;
    expect(await feed.grab(target.id)).toMatchObject({ ok: true });
    clock = 100;
    feed.move(target.id, { x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: 0, qw: 1 });
    clock = 100 + PATCH_INTERVAL_MS;
    await renderer.advanceFrames(1, 16);
    notes.getMatrixAt(10, _m);
    expect(new Vector3().setFromMatrixPosition(_m).toArray()).toEqual([1, 2, 3]);

    const noteInstances = renderer.scene.children[3]!;
    await renderer.fireEvent(noteInstances, 'onClick', { instanceId: 10 });
    expect(clicked).toEqual([target.id]);
    await ReactThreeTestRenderer.act(async () => store.select(target.id));
    await renderer.advanceFrames(1, 16);
    const color = new Color();
    notes.getColorAt(10, color);
    expect(color.getHexString()).toBe(new Color(SELECTED_COLOR).getHexString());
    await renderer.unmount();
  });
});
