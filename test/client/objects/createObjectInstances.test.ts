import {
  Matrix4,
  PerspectiveCamera,
  Raycaster,
  Sphere,
  Vector2,
  Vector3,
  type BufferAttribute,
  type Intersection,
} from 'three';
import { describe, expect, it } from 'vitest';
import { createObjectInstances } from '../../../client/objects/createObjectInstances.ts';
import { OBJECT_LOOKS } from '../../../client/objects/objectKinds.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import { PATCH_INTERVAL_MS, createRoomStore } from '../../../client/state/roomStore.ts';

const HEIGHT_PX = 1000;
const VERTICES = OBJECT_LOOKS.note.geometry.getAttribute('position').count;

/** Camera at the origin looking down -z, 70° vertical field of view. */
function camera() {
  const c = new PerspectiveCamera(70, 1, 0.05, 200);
  c.updateProjectionMatrix();
  c.updateMatrixWorld();
  return c;
}

function room() {
  const feed = createLocalRoomFeed('me');
  const store = createRoomStore();
  bindRoomFeed(feed, store);
  const put = (id: string, x: number, y: number, z: number) =>
    feed.putObject({
      id,
      kind: 'note',
      pose: { x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 },
      scale: 1,
      heldBy: null,
      anchorId: null,
    });
  // a note 5 mm thick: 2 m away it is ~1.8 px thick on a 1000 px screen, 20 m away ~0.18 px
  put('near', 0, 0, -2);
  put('far', 0, 0, -20);
  put('behind', 0, 0, 5);
  return { feed, store, notes: () => store.getState().objectsByKind.note };
}

describe('createObjectInstances', () => {
  it('draws objects in view only, thin ones as their two large faces, in one indexed draw', () => {
    const { notes } = room();
    const batch = createObjectInstances('note', 16);
    batch.setMembers(notes(), null);
    batch.update(notes(), 0, camera(), HEIGHT_PX);
    expect(batch.drawn).toEqual({ full: 1, faces: 1 });
    const geometry = batch.mesh.geometry;
    expect(geometry.drawRange.count).toBe(36 + 12);
    // the near note (object 0) is whole, the far one (object 1) only its front and back faces
    const index = geometry.index!.array;
    const owners = new Set<number>();
    for (let k = 0; k < geometry.drawRange.count; k++) owners.add(Math.floor(index[k]! / VERTICES));
    expect([...owners]).toEqual([0, 1]);
    const farNormals = geometry.getAttribute('normal') as BufferAttribute;
    for (let k = 36; k < 48; k++) expect(Math.abs(farNormals.getZ(index[k]!))).toBeCloseTo(1, 6);
    // vertices are in room space: the far note's centre is where it stands
    expect(batch.getMatrixAt(1, new Matrix4()).elements[14]).toBe(-20);
    const position = geometry.getAttribute('position') as BufferAttribute;
    expect(position.getZ(1 * VERTICES) + position.getZ(1 * VERTICES + 1)).toBeLessThan(-39);

    // on a render target 20x higher the far note is over half a pixel thick: drawn whole
    batch.update(notes(), 0, camera(), HEIGHT_PX * 20);
    expect(batch.drawn).toEqual({ full: 2, faces: 0 });
    batch.dispose();
  });

  it('rewrites only a moved object and its vertex range; the index is kept while the view set holds', async () => {
    const { feed, notes } = room();
    const batch = createObjectInstances('note', 16);
    batch.setMembers(notes(), null);
    let now = 1000;
    batch.update(notes(), now, camera(), HEIGHT_PX);
    const geometry = batch.mesh.geometry;
    const position = geometry.getAttribute('position') as BufferAttribute;
    const indexVersion = geometry.index!.version;
    const positionVersion = position.version;
    now += 100;
    batch.update(notes(), now, camera(), HEIGHT_PX);
    expect(position.version).toBe(positionVersion);
    expect(geometry.index!.version).toBe(indexVersion);

    const near = notes()[0]!;
    expect(await feed.grab(near.id)).toMatchObject({ ok: true });
    now = performance.now();
    feed.move(near.id, { x: 0.5, y: 0, z: -2, qx: 0, qy: 0, qz: 0, qw: 1 });
    batch.update(notes(), now + PATCH_INTERVAL_MS * 2, camera(), HEIGHT_PX);
    expect(position.version).toBeGreaterThan(positionVersion);
    expect(position.updateRanges).toEqual([{ start: 0, count: VERTICES * 3 }]);
    expect(geometry.index!.version).toBe(indexVersion);
    expect(batch.getMatrixAt(0, new Matrix4()).elements[12]).toBeCloseTo(0.5, 5);
    batch.dispose();
  });

  it('reports the object under a ray as instanceId, for clicks and drags', () => {
    const { notes } = room();
    const batch = createObjectInstances('note', 16);
    batch.setMembers(notes(), null);
    const c = camera();
    batch.update(notes(), 0, c, HEIGHT_PX);
    const raycaster = new Raycaster();
    raycaster.setFromCamera(new Vector2(0, 0), c);
    const hits = raycaster.intersectObject(batch.mesh);
    expect(hits[0]?.instanceId).toBe(0);
    expect(hits[0]?.point.z).toBeCloseTo(-2 + 0.0025, 5);
    // a ray that only meets the far note
    raycaster.set(new Vector3(0, 0.2, 0), new Vector3(0, 0, -1));
    expect(raycaster.intersectObject(batch.mesh).map((h) => h.instanceId)).toEqual([]);
    raycaster.set(new Vector3(0.01, 0.02, -10), new Vector3(0, 0, -1));
    expect(raycaster.intersectObject(batch.mesh).map((h) => h.instanceId)).toEqual([1]);
    batch.dispose();
  });

  it('picks objects outside the last view too: an XR ray may point where the head does not look', () => {
    const { notes } = room();
    const batch = createObjectInstances('note', 16);
    batch.setMembers(notes(), null);
    batch.update(notes(), 0, camera(), HEIGHT_PX);
    expect(batch.drawn).toEqual({ full: 1, faces: 1 }); // the note behind the camera is not drawn
    const raycaster = new Raycaster(new Vector3(0.01, 0.02, 0), new Vector3(0, 0, 1));
    const hits = raycaster.intersectObject(batch.mesh);
    expect(hits.map((h) => h.instanceId)).toEqual([2]);
    expect(hits[0]!.point.z).toBeCloseTo(5 - 0.0025, 5);
    expect(hits[0]!.distance).toBeCloseTo(5 - 0.0025, 5);
    // far limits hold
    raycaster.far = 4;
    expect(raycaster.intersectObject(batch.mesh)).toEqual([]);
    batch.dispose();
  });

  it('answers grab spheres per object, so a controller between objects touches none', () => {
    const { notes } = room();
    const batch = createObjectInstances('note', 16);
    batch.setMembers(notes(), null);
    batch.update(notes(), 0, camera(), HEIGHT_PX);
    const spherecast = (x: number, y: number, z: number, r: number) => {
      const hits: Intersection[] = [];
      batch.mesh.spherecast!(new Sphere(new Vector3(x, y, z), r), hits);
      return hits;
    };
    // the batch's box spans z -20..5: the origin is inside it, yet no object is within 7 cm of it
    batch.mesh.geometry.computeBoundingBox();
    expect(batch.mesh.geometry.boundingBox!.containsPoint(new Vector3(0, 0, 0))).toBe(true);
    expect(spherecast(0, 0, 0, 0.07)).toEqual([]);
    // 5 cm in front of the near note (its face at z = -1.9975): touched, at that distance, facing +z
    const [hit, ...rest] = spherecast(0.01, 0.02, -1.95, 0.07);
    expect(rest).toEqual([]);
    expect(hit!.instanceId).toBe(0);
    expect(hit!.object).toBe(batch.mesh);
    expect(hit!.distance).toBeCloseTo(0.0475, 5);
    expect(hit!.point.toArray()).toEqual([
      expect.closeTo(0.01, 5),
      expect.closeTo(0.02, 5),
      expect.closeTo(-1.9975, 5),
    ]);
    expect(hit!.normal!.toArray()).toEqual([0, 0, 1]);
    // inside the far note: distance 0
    expect(spherecast(0, 0, -20, 0.01).map((h) => [h.instanceId, h.distance])).toEqual([[1, 0]]);
    batch.dispose();
  });
});
