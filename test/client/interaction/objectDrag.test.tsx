// @vitest-environment jsdom
import ReactThreeTestRenderer from '@react-three/test-renderer';
import { Ray, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { clientStore } from '../../../client/app/clientStore.ts';
import { grabSessionFor } from '../../../client/interaction/grabSession.ts';
import { ObjectInstances } from '../../../client/objects/ObjectInstances.tsx';
import { RoomFeedContext } from '../../../client/room/RoomFeedContext.ts';
import { RoomStoreContext } from '../../../client/room/RoomStoreContext.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import type { ObjectSnapshot } from '../../../client/state/RoomFeed.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const pose = (x: number, y: number, z: number) => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });

/** A pointer event as R3F (mouse) or @react-three/xr (ray) delivers it, looking down -z from the origin. */
function pointer(type: string, id: number, dirX: number, clientX: number, hitZ = -2) {
  const ray = new Ray(new Vector3(0, 1, 0), new Vector3(dirX, 0, -1).normalize());
  const point = ray.at(Math.abs(hitZ) / Math.abs(ray.direction.z), new Vector3());
  return {
    instanceId: 0,
    pointerId: id,
    pointerType: type,
    distance: ray.origin.distanceTo(point),
    point,
    ray,
    nativeEvent: { clientX, clientY: 100, button: 0 },
    target: { setPointerCapture: () => {} },
  };
}

async function scene() {
  const feed = createLocalRoomFeed('me');
  const store = createRoomStore();
  bindRoomFeed(feed, store);
  const objects = new Map<string, ObjectSnapshot>();
  feed.onObjectAdd((o) => objects.set(o.id, o));
  feed.onObjectChange((o) => objects.set(o.id, o));
  feed.putObject({ id: 'n1', kind: 'note', pose: pose(0, 1, -2), scale: 1, heldBy: null, anchorId: null });
  const renderer = await ReactThreeTestRenderer.create(
    <RoomStoreContext.Provider value={store}>
      <RoomFeedContext.Provider value={feed}>
        <ObjectInstances />
      </RoomFeedContext.Provider>
    </RoomStoreContext.Provider>,
  );
  await renderer.advanceFrames(1, 16);
  const notes = renderer.scene.children[3]!;
  const fire = (name: string, e: ReturnType<typeof pointer>) =>
    renderer.fireEvent(notes, name, e as unknown as Record<string, unknown>);
  return { feed, objects, renderer, fire };
}

describe('object drag (desktop mouse and XR ray)', () => {
  it('drags an object with the mouse: lock, moves along the ray, release where it was let go', async () => {
    const { feed, objects, renderer, fire } = await scene();
    await fire('onPointerDown', pointer('mouse', 1, 0, 100));
    // a press without travel is a click: no lock asked
    expect(objects.get('n1')!.heldBy).toBeNull();
    await fire('onPointerMove', pointer('mouse', 1, 0.5, 160));
    await ReactThreeTestRenderer.act(async () => {});
    expect(objects.get('n1')!.heldBy).toBe('me');
    await fire('onPointerMove', pointer('mouse', 1, 0.5, 170));
    const moved = objects.get('n1')!.pose;
    expect(moved.x).toBeCloseTo((2 * 0.5) / Math.sqrt(1.25), 5);
    expect(moved.z).toBeCloseTo(-2 / Math.sqrt(1.25), 5);
    await fire('onPointerUp', pointer('mouse', 1, 0.5, 170));
    expect(objects.get('n1')).toMatchObject({ heldBy: null, pose: { x: moved.x, z: moved.z } });
    expect(grabSessionFor(feed, () => {}).state.holding).toBe(false);
    await renderer.unmount();
  });

  it('grabs with an XR ray at once, leaves near objects to the proximity grab, and shows a lock refusal', async () => {
    const { feed, objects, renderer, fire } = await scene();
    await fire('onPointerDown', pointer('ray', 7, 0, 0, -0.3));
    await ReactThreeTestRenderer.act(async () => {});
    expect(objects.get('n1')!.heldBy).toBeNull();
    await fire('onPointerDown', pointer('ray', 8, 0, 0));
    await ReactThreeTestRenderer.act(async () => {});
    expect(objects.get('n1')!.heldBy).toBe('me');
    await fire('onPointerUp', pointer('ray', 8, 0, 0));
    feed.putObject({ ...objects.get('n1')!, heldBy: 'someone-else' });
    await fire('onPointerDown', pointer('ray', 9, 0, 0));
    await ReactThreeTestRenderer.act(async () => {});
    expect(clientStore.getState().notice).toEqual({
      code: 'feed.locked',
      message: 'Someone else is holding this object.',
    });
    await fire('onPointerUp', pointer('ray', 9, 0, 0));
    await renderer.unmount();
  });
});
