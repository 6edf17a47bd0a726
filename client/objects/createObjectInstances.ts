import { Color, InstancedMesh, Matrix4, MeshStandardMaterial, Quaternion, Vector3 } from 'three';
import type { ObjectKind } from '../state/RoomFeed.ts';
import type { RoomObjectEntry } from '../state/roomStore.ts';
import { sampleTrack } from '../state/poseTrack.ts';
import { HELD_COLOR, OBJECT_LOOKS, SELECTED_COLOR } from './objectKinds.ts';

const _p = new Vector3();
const _q = new Quaternion();
const _s = new Vector3();
const _m = new Matrix4();
const _color = new Color();

export interface ObjectInstances {
  readonly mesh: InstancedMesh;
  /** Applies a membership or selection change: counts and colours. Not per frame. */
  setMembers(objects: readonly RoomObjectEntry[], selectedId: string | null): void;
  /** Interpolates moved objects to `nowMs`; uploads matrices only when one moved. Allocation-free. */
  update(objects: readonly RoomObjectEntry[], nowMs: number): void;
  dispose(): void;
}

/** All objects of one kind in one instanced mesh: instance i is `objects[i]`. */
export function createObjectInstances(kind: ObjectKind, capacity: number): ObjectInstances {
  const look = OBJECT_LOOKS[kind];
  const material = new MeshStandardMaterial({ roughness: 0.8 });
  const mesh = new InstancedMesh(look.geometry, material, capacity);
  mesh.name = `objects-${kind}`;
  mesh.count = 0;
  let dirtyAll = true;

  return {
    mesh,
    setMembers(objects, selectedId) {
      if (objects.length > capacity) {
        throw new RangeError(
          `createObjectInstances: ${objects.length} ${kind} objects exceed capacity ${capacity}`,
        );
      }
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i]!;
        _color.set(o.id === selectedId ? SELECTED_COLOR : o.heldBy ? HELD_COLOR : look.color);
        mesh.setColorAt(i, _color);
      }
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
      mesh.count = objects.length;
      dirtyAll = true;
    },
    update(objects, nowMs) {
      let moved = dirtyAll;
      for (let i = 0; i < objects.length; i++) {
        const track = objects[i]!.track;
        if (!sampleTrack(track, nowMs) && !dirtyAll) continue;
        const c = track.current;
        _p.set(c[0]!, c[1]!, c[2]!);
        _q.set(c[3]!, c[4]!, c[5]!, c[6]!);
        _s.setScalar(c[7]!);
        mesh.setMatrixAt(i, _m.compose(_p, _q, _s));
        moved = true;
      }
      dirtyAll = false;
      if (!moved) return;
      mesh.instanceMatrix.needsUpdate = true;
      // culling and picking recompute their sphere over the instances on next use
      mesh.boundingSphere = null;
      mesh.boundingBox = null;
    },
    dispose() {
      material.dispose();
      mesh.dispose();
    },
  };
}
