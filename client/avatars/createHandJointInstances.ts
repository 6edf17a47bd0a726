import { Color, InstancedMesh, Matrix4, MeshLambertMaterial, SphereGeometry } from 'three';
import { HAND_JOINTS } from '../../shared/protocol/limits.ts';
import { isHandTracked } from '../state/handJoints.ts';
import type { AvatarEntry } from '../state/roomStore.ts';

/** Radius of a drawn joint (m). */
export const JOINT_RADIUS_M = 0.009;
const JOINTS_PER_AVATAR = HAND_JOINTS * 2;

const _m = new Matrix4();
const _color = new Color();

export interface HandJointInstances {
  readonly mesh: InstancedMesh;
  /** Takes each avatar's identity colour; call when membership changes. */
  setMembers(avatars: readonly AvatarEntry[]): void;
  /**
   * Places every tracked hand's joints at its (already sampled) hand pose plus the decoded offsets;
   * hands not tracked take no instance. Reads `track.current`, so it runs after the avatar parts sampled
   * the tracks this frame. Allocates nothing.
   */
  update(avatars: readonly AvatarEntry[]): void;
  dispose(): void;
}

/**
 * Other participants' articulated hands: every tracked joint of every avatar in ONE instanced mesh of
 * small spheres, in the participant's colour (one draw call whatever the count, none without hands).
 */
export function createHandJointInstances(avatarCapacity: number): HandJointInstances {
  const geometry = new SphereGeometry(JOINT_RADIUS_M, 8, 6);
  const material = new MeshLambertMaterial();
  const mesh = new InstancedMesh(geometry, material, avatarCapacity * JOINTS_PER_AVATAR);
  mesh.name = 'avatar-hand-joints';
  mesh.frustumCulled = false;
  mesh.setColorAt(0, _color.set('#ffffff')); // allocates instanceColor once
  mesh.count = 0;
  const colors = mesh.instanceColor!.array as Float32Array;
  // identity colour of each avatar slot, parsed once per membership change
  const slotColors = new Float32Array(avatarCapacity * 3);
  return {
    mesh,
    setMembers(avatars) {
      for (let i = 0; i < avatars.length; i++) _color.set(avatars[i]!.color).toArray(slotColors, i * 3);
    },
    update(avatars) {
      // tracked hands only, packed: no instance (no vertex work) for avatars without hand tracking
      let n = 0;
      for (let i = 0; i < avatars.length; i++) {
        const a = avatars[i]!;
        if (!a.hasJoints) continue;
        const c = a.track.current;
        for (let h = 0; h < 2; h++) {
          if (!isHandTracked(a.joints, h as 0 | 1)) continue;
          // the hand's pose in the track: pose 1 (left) or 2 (right), position first
          const px = c[(h + 1) * 7]!;
          const py = c[(h + 1) * 7 + 1]!;
          const pz = c[(h + 1) * 7 + 2]!;
          const base = h * HAND_JOINTS * 3;
          for (let j = 0; j < HAND_JOINTS; j++) {
            const o = base + j * 3;
            _m.makeTranslation(
              px + a.joints[o]! / 1000,
              py + a.joints[o + 1]! / 1000,
              pz + a.joints[o + 2]! / 1000,
            );
            mesh.setMatrixAt(n, _m);
            colors[n * 3] = slotColors[i * 3]!;
            colors[n * 3 + 1] = slotColors[i * 3 + 1]!;
            colors[n * 3 + 2] = slotColors[i * 3 + 2]!;
            n++;
          }
        }
      }
      mesh.count = n;
      if (n > 0) {
        mesh.instanceMatrix.needsUpdate = true;
        mesh.instanceColor!.needsUpdate = true;
      }
    },
    dispose() {
      geometry.dispose();
      material.dispose();
      mesh.dispose();
    },
  };
}
