import {
  Color,
  Group,
  InstancedBufferAttribute,
  InstancedMesh,
  Matrix3,
  Matrix4,
  MeshBasicMaterial,
  MeshLambertMaterial,
  Quaternion,
  Vector3,
  type BufferGeometry,
  type Camera,
  type Material,
} from 'three';
import type { AvatarEntry } from '../state/roomStore.ts';
import { sampleTrack, POSE_FLOATS } from '../state/poseTrack.ts';
import {
  InstanceBucket,
  LOD_MAX_ERROR_PX,
  ViewSample,
  lodLevelFor,
  uploadRange,
  type UpdateRange,
} from '../scene/instanceLod.ts';
import { NameTagAtlas, createTagCanvas } from './NameTagAtlas.ts';
import {
  AVATAR_BOUNDS,
  HAND_SIZE_M,
  HEAD_RADIUS_M,
  SPEAKING_RING_M,
  handFacesGeometry,
  handGeometry,
  headLodGeometries,
  headLodMaxRadiusPx,
  speakingGeometry,
  SPEAKING_OFFSET_M,
  TAG_LIFT_M,
  tagGeometry,
} from './avatarGeometry.ts';
import { createAvatarMaterial } from './createAvatarMaterial.ts';
import { createNameTagMaterial } from './nameTagMaterial.ts';

// frame-loop scratch: update() allocates nothing
const _p = new Vector3();
const _q = new Quaternion();
const _s = new Vector3();
const _m = new Matrix4();
const _cam = new Quaternion();
const _offset = new Vector3();
const _body = new Vector3();
const _color = new Color();
const _view = new ViewSample();
const _fix = new Quaternion();
const _yaw = new Quaternion();
const _fixMatrix = new Matrix4();
const _fix3 = new Matrix3();
const _forward = new Vector3();
const _up = new Vector3();
const Y_AXIS = new Vector3(0, 1, 0);

/**
 * Writes at `slot` of `bodyFix` the turn that keeps an avatar's torso upright under head pose `head`
 * (createAvatarMaterial.ts): applied before the head's own rotation, it leaves only the yaw of where
 * the person faces. Looking straight down or up, the head's up vector says where the body faces.
 */
export function writeBodyFix(bodyFix: InstancedBufferAttribute, slot: number, head: Quaternion): void {
  _forward.set(0, 0, -1).applyQuaternion(head);
  let x = _forward.x;
  let z = _forward.z;
  if (Math.hypot(x, z) <= 0.2) {
    _up.set(0, 1, 0).applyQuaternion(head);
    const sign = _forward.y < 0 ? 1 : -1;
    x = sign * _up.x;
    z = sign * _up.z;
  }
  _yaw.setFromAxisAngle(Y_AXIS, Math.atan2(-x, -z));
  _fix.copy(head).invert().multiply(_yaw);
  _fix3.setFromMatrix4(_fixMatrix.makeRotationFromQuaternion(_fix));
  _fix3.toArray(bodyFix.array as Float32Array, slot * 9);
}
/** Radius (m) of the sphere around a hand's centre that holds the whole hand. */
const HAND_RADIUS_M = Math.hypot(HAND_SIZE_M.width, HAND_SIZE_M.thickness, HAND_SIZE_M.length) / 2;
const SPEAKING_RADIUS_M = SPEAKING_RING_M.outer;
/** Radius (m) of the sphere around a tag's centre that holds the whole tag. */
const TAG_RADIUS_M = Math.hypot(0.22, 0.055);
/**
 * An avatar whose head is nearer than this to the viewer is not drawn at all (body, hands, tag,
 * ring): walking into someone never fills the screen with them.
 */
export const NEAR_HIDE_M = 0.45;

/** Smallest power of two >= n (at least 16): instanced buffers grow rarely. */
export function capacityFor(n: number): number {
  let capacity = 16;
  while (capacity < n) capacity *= 2;
  return capacity;
}

export interface AvatarParts {
  readonly group: Group;
  /** Heads, one instanced mesh per level of detail, finest first (`headLodGeometries`). */
  readonly heads: readonly InstancedMesh[];
  /** Hands: full boxes, then their two large faces for hands thinner than LOD_MAX_ERROR_PX on screen. */
  readonly hands: readonly InstancedMesh[];
  /** Name tags of the avatars in view, packed: slot j shows the avatar `tagOccupants[j]`. */
  readonly tags: InstancedMesh;
  readonly tagOccupants: Int32Array;
  readonly speaking: InstancedMesh;
  readonly atlas: NameTagAtlas;
  /**
   * Applies a membership change: colours, tags (`label` words each tag: name, mode, hands; the name
   * alone by default), counts. Not per frame.
   */
  setMembers(avatars: readonly AvatarEntry[], label?: (avatar: AvatarEntry) => string): void;
  /**
   * Interpolates every avatar to `nowMs`, turns tags toward `camera`, leaves out heads, hands and
   * indicators outside its view and picks each head's and hand's level of detail from its size on a
   * render target `heightPx` pixels high. Allocation-free.
   */
  update(avatars: readonly AvatarEntry[], nowMs: number, camera: Camera, heightPx: number): void;
  dispose(): void;
}

function instanced(geometry: BufferGeometry, material: Material, capacity: number, name: string) {
  const mesh = new InstancedMesh(geometry, material, capacity);
  mesh.name = name;
  // colours exist from the start, so the first program compiled already reads them
  mesh.setColorAt(0, _color.set('#ffffff'));
  return mesh;
}

/**
 * Every remote avatar in a few instanced meshes whatever the number of participants: heads (one mesh per
 * level of detail), hands (boxes, and two-face slabs when thin on screen), name tags, speaking indicators.
 * Heads, hands and indicators are refilled every frame with only what the camera can see (InstanceBucket);
 * tag instance i is `avatars[i]`.
 */
export function createAvatarParts(capacity: number): AvatarParts {
  // Lambert: matte parts, no environment map: PBR would only add a faint specular lobe, at a higher cost
  const headMaterial = createAvatarMaterial();
  const handMaterial = new MeshLambertMaterial();
  const atlas = new NameTagAtlas(capacity, createTagCanvas(1, 1));
  const tagMaterial = createNameTagMaterial(atlas.texture);
  const speakingMaterial = new MeshBasicMaterial({ toneMapped: false });
  // own geometry copies: each carries this mesh's per-instance torso turn (`bodyFix`)
  const headGeometries = headLodGeometries.map((geometry) =>
    geometry.clone().setAttribute('bodyFix', new InstancedBufferAttribute(new Float32Array(capacity * 9), 9)),
  );
  const headBuckets = headGeometries.map(
    (geometry, level) =>
      new InstanceBucket(
        instanced(
          geometry,
          headMaterial,
          capacity,
          level === 0 ? 'avatar-heads' : `avatar-heads-lod${level}`,
        ),
        [geometry.getAttribute('bodyFix') as InstancedBufferAttribute],
      ),
  );
  const handBuckets = [handGeometry, handFacesGeometry].map(
    (geometry, level) =>
      new InstanceBucket(
        instanced(geometry, handMaterial, capacity * 2, level === 0 ? 'avatar-hands' : 'avatar-hands-lod1'),
      ),
  );
  // own geometry copy: it carries this atlas' per-instance cell attribute
  const tagUv = new InstancedBufferAttribute(new Float32Array(capacity * 4), 4);
  /** Atlas cell of avatar i (its tag's texture), copied to the tag slot that shows it. */
  const tagCells = new Float32Array(capacity * 4);
  const tagOccupants = new Int32Array(capacity).fill(-1);
  const tagMatrixRange: UpdateRange = { start: 0, count: 0 };
  const tagUvRange: UpdateRange = { start: 0, count: 0 };
  const tagGeometryWithCells = tagGeometry.clone().setAttribute('tagUv', tagUv);
  const tags = new InstancedMesh(tagGeometryWithCells, tagMaterial, capacity);
  tags.name = 'avatar-name-tags';
  tags.count = 0;
  // tags face the camera and move every frame; culled one by one (update), not by a sphere over all
  tags.frustumCulled = false;
  tags.renderOrder = 1;
  const speakingBucket = new InstanceBucket(
    instanced(speakingGeometry, speakingMaterial, capacity, 'avatar-speaking'),
  );
  const heads = headBuckets.map((b) => b.mesh);
  const hands = handBuckets.map((b) => b.mesh);
  const speaking = speakingBucket.mesh;
  const buckets = [...headBuckets, ...handBuckets, speakingBucket];
  const group = new Group();
  group.name = 'avatars';
  group.add(...heads, ...hands, tags, speaking);
  const colors = new Float32Array(capacity * 3);
  /** Whether avatar i moved since its parts were last written (set from the track's sampler). */
  const moved = new Uint8Array(capacity);

  const composePose = (current: Float32Array, pose: number) => {
    const o = pose * POSE_FLOATS;
    _p.set(current[o]!, current[o + 1]!, current[o + 2]!);
    _q.set(current[o + 3]!, current[o + 4]!, current[o + 5]!, current[o + 6]!);
    _s.set(1, 1, 1);
    return _m.compose(_p, _q, _s);
  };

  const placeHand = (index: number, entry: number, current: Float32Array, pose: number) => {
    const o = pose * POSE_FLOATS;
    _p.set(current[o]!, current[o + 1]!, current[o + 2]!);
    if (!_view.sees(_p, HAND_RADIUS_M)) return;
    const thin = _view.sizePx(_p, HAND_SIZE_M.thickness) <= LOD_MAX_ERROR_PX;
    const bucket = handBuckets[thin ? 1 : 0]!;
    if (bucket.claim(entry, moved[index] === 1)) bucket.write(composePose(current, pose), _color);
  };

  return {
    group,
    heads,
    hands,
    tags,
    tagOccupants,
    speaking,
    atlas,
    setMembers(avatars, label = (a) => a.displayName) {
      if (avatars.length > capacity) {
        throw new RangeError(`createAvatarParts: ${avatars.length} avatars exceed capacity ${capacity}`);
      }
      for (let i = 0; i < avatars.length; i++) {
        const a = avatars[i]!;
        _color.set(a.color).toArray(colors, i * 3);
        atlas.draw(i, label(a), a.color);
        atlas.uvFor(i, tagCells, i * 4);
      }
      tags.count = 0;
      tagOccupants.fill(-1);
      // instance i may now be someone else: every slot is rewritten on the next frame
      for (const bucket of buckets) bucket.invalidate();
    },
    update(avatars, nowMs, camera, heightPx) {
      _view.update(camera, heightPx);
      camera.getWorldQuaternion(_cam);
      const pulse = 1 + 0.08 * Math.sin(nowMs / 120);
      for (let b = 0; b < buckets.length; b++) buckets[b]!.begin();
      let tagCount = 0;
      let cellsLow = Infinity;
      let cellsHigh = -1;
      for (let i = 0; i < avatars.length; i++) {
        const a = avatars[i]!;
        const current = a.track.current;
        moved[i] = sampleTrack(a.track, nowMs) ? 1 : 0;
        _color.fromArray(colors, i * 3);
        _p.set(current[0]!, current[1]!, current[2]!);
        // too close to the viewer: nothing of this avatar this frame (its tag shrinks to nothing)
        if (_p.distanceTo(_view.position) < NEAR_HIDE_M) continue;
        _body.set(_p.x, _p.y - AVATAR_BOUNDS.drop, _p.z);
        if (_view.sees(_body, AVATAR_BOUNDS.radius)) {
          const level = lodLevelFor(_view.sizePx(_p, HEAD_RADIUS_M), headLodMaxRadiusPx);
          const bucket = headBuckets[level]!;
          if (bucket.claim(i, moved[i] === 1)) {
            bucket.write(composePose(current, 0), _color);
            writeBodyFix(bucket.extras[0]!, bucket.slot, _q);
          }
        }
        placeHand(i, 2 * i, current, 1);
        placeHand(i, 2 * i + 1, current, 2);
        if (a.speaking) {
          // the ring faces the camera around the head, just in front of it, pulsing: rewritten every frame
          // (placeHand moved _p: back to the head)
          _p.set(current[0]!, current[1]!, current[2]!);
          _offset.set(SPEAKING_OFFSET_M, 0, HEAD_RADIUS_M * 0.5).applyQuaternion(_cam);
          _offset.add(_p);
          if (_view.sees(_offset, SPEAKING_RADIUS_M)) {
            speakingBucket.claim(i, true);
            _s.set(pulse, pulse, pulse);
            speakingBucket.write(_m.compose(_offset, _cam, _s), _color);
          }
        }
        // tags face the camera, so they change whenever it turns; one outside the view takes no slot
        // (a software rasteriser pays per instance drawn, even off screen)
        _p.set(current[0]!, current[1]! + TAG_LIFT_M, current[2]!);
        if (_view.sees(_p, TAG_RADIUS_M)) {
          const slot = tagCount++;
          if (tagOccupants[slot] !== i) {
            tagOccupants[slot] = i;
            const uv = tagUv.array as Float32Array;
            for (let k = 0; k < 4; k++) uv[slot * 4 + k] = tagCells[i * 4 + k]!;
            if (slot < cellsLow) cellsLow = slot;
            cellsHigh = slot;
          }
          _s.set(1, 1, 1);
          tags.setMatrixAt(slot, _m.compose(_p, _cam, _s));
        }
      }
      for (let b = 0; b < buckets.length; b++) buckets[b]!.end();
      tags.count = tagCount;
      if (tagCount > 0) uploadRange(tags.instanceMatrix, tagMatrixRange, 0, tagCount * 16);
      if (cellsHigh >= cellsLow) {
        uploadRange(tagUv, tagUvRange, cellsLow * 4, (cellsHigh - cellsLow + 1) * 4);
      }
    },
    dispose() {
      atlas.dispose();
      tagGeometryWithCells.dispose();
      for (const g of headGeometries) g.dispose();
      for (const m of [headMaterial, handMaterial, tagMaterial, speakingMaterial]) m.dispose();
      for (const mesh of [...heads, ...hands, tags, speaking]) mesh.dispose();
    },
  };
}
