import {
  Color,
  Group,
  InstancedBufferAttribute,
  InstancedMesh,
  Matrix4,
  MeshStandardMaterial,
  MeshBasicMaterial,
  Quaternion,
  Vector3,
  type Camera,
} from 'three';
import type { AvatarEntry } from '../state/roomStore.ts';
import { sampleTrack, POSE_FLOATS } from '../state/poseTrack.ts';
import { NameTagAtlas, createTagCanvas } from './NameTagAtlas.ts';
import {
  handGeometry,
  headGeometry,
  speakingGeometry,
  SPEAKING_OFFSET_M,
  TAG_LIFT_M,
  tagGeometry,
} from './avatarGeometry.ts';
import { createNameTagMaterial } from './nameTagMaterial.ts';

// frame-loop scratch: update() allocates nothing
const _p = new Vector3();
const _q = new Quaternion();
const _s = new Vector3();
const _m = new Matrix4();
const _cam = new Quaternion();
const _offset = new Vector3();
const _color = new Color();

/** Smallest power of two >= n (at least 16): instanced buffers grow rarely. */
export function capacityFor(n: number): number {
  let capacity = 16;
  while (capacity < n) capacity *= 2;
  return capacity;
}

export interface AvatarParts {
  readonly group: Group;
  readonly heads: InstancedMesh;
  readonly hands: InstancedMesh;
  readonly tags: InstancedMesh;
  readonly speaking: InstancedMesh;
  readonly atlas: NameTagAtlas;
  /** Applies a membership change: colours, tags, counts. Not per frame. */
  setMembers(avatars: readonly AvatarEntry[]): void;
  /** Interpolates every avatar to `nowMs` and turns tags toward `camera`. Allocation-free. */
  update(avatars: readonly AvatarEntry[], nowMs: number, camera: Camera): void;
  dispose(): void;
}

function instanced(mesh: InstancedMesh, name: string): InstancedMesh {
  mesh.name = name;
  mesh.count = 0;
  // instances move every frame; a culling sphere over them would be recomputed each frame
  mesh.frustumCulled = false;
  return mesh;
}

/**
 * Every remote avatar in four instanced meshes (heads, hands, name tags, speaking indicators): four
 * draw calls whatever the number of participants. Instance i is `avatars[i]`; hands are 2i and 2i+1.
 */
export function createAvatarParts(capacity: number): AvatarParts {
  const headMaterial = new MeshStandardMaterial({ roughness: 0.6 });
  const handMaterial = new MeshStandardMaterial({ roughness: 0.5 });
  const atlas = new NameTagAtlas(capacity, createTagCanvas(1, 1));
  const tagMaterial = createNameTagMaterial(atlas.texture);
  const speakingMaterial = new MeshBasicMaterial({ toneMapped: false });
  const heads = instanced(new InstancedMesh(headGeometry, headMaterial, capacity), 'avatar-heads');
  const hands = instanced(new InstancedMesh(handGeometry, handMaterial, capacity * 2), 'avatar-hands');
  // own geometry copy: it carries this atlas' per-instance cell attribute
  const tagUv = new InstancedBufferAttribute(new Float32Array(capacity * 4), 4);
  const tagGeometryWithCells = tagGeometry.clone().setAttribute('tagUv', tagUv);
  const tags = instanced(new InstancedMesh(tagGeometryWithCells, tagMaterial, capacity), 'avatar-name-tags');
  const speaking = instanced(
    new InstancedMesh(speakingGeometry, speakingMaterial, capacity),
    'avatar-speaking',
  );
  tags.renderOrder = 1;
  const group = new Group();
  group.name = 'avatars';
  group.add(heads, hands, tags, speaking);
  let dirtyAll = true;

  const writePose = (mesh: InstancedMesh, index: number, current: Float32Array, pose: number) => {
    const o = pose * POSE_FLOATS;
    _p.set(current[o]!, current[o + 1]!, current[o + 2]!);
    _q.set(current[o + 3]!, current[o + 4]!, current[o + 5]!, current[o + 6]!);
    _s.set(1, 1, 1);
    mesh.setMatrixAt(index, _m.compose(_p, _q, _s));
  };

  return {
    group,
    heads,
    hands,
    tags,
    speaking,
    atlas,
    setMembers(avatars) {
      if (avatars.length > capacity) {
        throw new RangeError(`createAvatarParts: ${avatars.length} avatars exceed capacity ${capacity}`);
      }
      for (let i = 0; i < avatars.length; i++) {
        const a = avatars[i]!;
        _color.set(a.color);
        heads.setColorAt(i, _color);
        hands.setColorAt(2 * i, _color);
        hands.setColorAt(2 * i + 1, _color);
        speaking.setColorAt(i, _color);
        atlas.draw(i, a.displayName, a.color);
        atlas.uvFor(i, tagUv.array as Float32Array, i * 4);
      }
      for (const mesh of [heads, hands, speaking])
        if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
      tagUv.needsUpdate = true;
      heads.count = tags.count = speaking.count = avatars.length;
      hands.count = avatars.length * 2;
      dirtyAll = true;
    },
    update(avatars, nowMs, camera) {
      camera.getWorldQuaternion(_cam);
      let moved = dirtyAll;
      const pulse = 1 + 0.25 * Math.sin(nowMs / 120);
      for (let i = 0; i < avatars.length; i++) {
        const a = avatars[i]!;
        const current = a.track.current;
        if (sampleTrack(a.track, nowMs) || dirtyAll) {
          moved = true;
          writePose(heads, i, current, 0);
          writePose(hands, 2 * i, current, 1);
          writePose(hands, 2 * i + 1, current, 2);
        }
        // tags face the camera, so they change whenever it turns
        _p.set(current[0]!, current[1]! + TAG_LIFT_M, current[2]!);
        _s.set(1, 1, 1);
        tags.setMatrixAt(i, _m.compose(_p, _cam, _s));
        _offset.set(SPEAKING_OFFSET_M, 0, 0.001).applyQuaternion(_cam);
        _p.add(_offset);
        const scale = a.speaking ? pulse : 0;
        _s.set(scale, scale, scale);
        speaking.setMatrixAt(i, _m.compose(_p, _cam, _s));
      }
      dirtyAll = false;
      if (moved) {
        heads.instanceMatrix.needsUpdate = true;
        hands.instanceMatrix.needsUpdate = true;
      }
      tags.instanceMatrix.needsUpdate = true;
      speaking.instanceMatrix.needsUpdate = true;
    },
    dispose() {
      atlas.dispose();
      tagGeometryWithCells.dispose();
      for (const m of [headMaterial, handMaterial, tagMaterial, speakingMaterial]) m.dispose();
      for (const mesh of [heads, hands, tags, speaking]) mesh.dispose();
    },
  };
}
