import { BoxGeometry, InstancedMesh, Matrix4, MeshBasicMaterial, PerspectiveCamera, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import {
  AVATAR_LOD_ERROR_PX,
  HEAD_RADIUS_M,
  LEVELS,
  headLodMaxRadiusPx,
  levelError,
} from '../../../client/avatars/avatarGeometry.ts';
import {
  InstanceBucket,
  ViewSample,
  lodLevelFor,
  slabFacesGeometry,
  sphereSagFraction,
} from '../../../client/scene/instanceLod.ts';

/** A camera at the origin looking down -z with a 90° vertical field of view (1 / tan(45°) = 1). */
function camera90() {
  const camera = new PerspectiveCamera(90, 16 / 9, 0.05, 200);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  return camera;
}

describe('view sample', () => {
  it('measures on-screen size in pixels from the projection and the render height', () => {
    const view = new ViewSample().update(camera90(), 720);
    // 90° fov: the 720 px screen spans 2 m at 1 m, so 1 m at 10 m is 36 px
    expect(view.pxPerMetre).toBeCloseTo(360, 6);
    expect(view.sizePx(new Vector3(0, 0, -10), 1)).toBeCloseTo(36, 6);
    // twice the pixels on a render target twice as high: LOD follows the real resolution
    expect(new ViewSample().update(camera90(), 1440).sizePx(new Vector3(0, 0, -10), 1)).toBeCloseTo(72, 6);
  });

  it('sees what is in front within the frustum (plus a margin) and nothing behind', () => {
    const view = new ViewSample().update(camera90(), 720);
    expect(view.sees(new Vector3(0, 0, -5), 0.1)).toBe(true);
    expect(view.sees(new Vector3(0, 0, 5), 0.1)).toBe(false);
    expect(view.sees(new Vector3(0, 50, -5), 0.1)).toBe(false);
    // just outside the top plane (y = z at 90°), within the margin
    expect(view.sees(new Vector3(0, 5.2, -5), 0.1)).toBe(true);
  });
});

describe('levels of detail', () => {
  it('picks the coarsest level whose silhouette error stays under AVATAR_LOD_ERROR_PX', () => {
    expect(sphereSagFraction(8, 4)).toBeCloseTo(1 - Math.cos(Math.PI / 8), 12);
    expect(headLodMaxRadiusPx[0]).toBe(Infinity);
    for (let level = 1; level < headLodMaxRadiusPx.length; level++) {
      expect(headLodMaxRadiusPx[level]).toBeLessThan(headLodMaxRadiusPx[level - 1]!);
      expect(headLodMaxRadiusPx[level]! * levelError(LEVELS[level]!)).toBeCloseTo(AVATAR_LOD_ERROR_PX, 12);
    }
    const [, fine, mid, coarse] = headLodMaxRadiusPx as [number, number, number, number];
    // measured on the avatar's widest part: the shoulders, wider than the head by WIDEST / HEAD (the
    // torso's radial and cap steps, 12 and 3 x 4 at level 1, 8 and 2 x 4 at level 2)
    const widest = (0.13 * 1.35) / HEAD_RADIUS_M;
    expect(mid * (1 - Math.cos(Math.PI / 8)) * widest).toBeCloseTo(AVATAR_LOD_ERROR_PX, 12);
    expect(fine * (1 - Math.cos(Math.PI / 12)) * widest).toBeCloseTo(AVATAR_LOD_ERROR_PX, 12);
    // the head, narrower, is never the coarser part: at every level its sphere's error is at most the
    // torso's at the shoulders, so the torso sets the level's error
    for (const [w, h, radial, cap] of LEVELS) {
      const torso = Math.max(1 - Math.cos(Math.PI / radial), 1 - Math.cos(Math.PI / (4 * cap))) * widest;
      expect(sphereSagFraction(w, h)).toBeLessThanOrEqual(torso);
    }
    // a near body (level 0) keeps its full detail: the crowd a few metres away is what gets coarser
    expect(fine).toBeGreaterThanOrEqual(20);
    expect(lodLevelFor(coarse - 0.01, headLodMaxRadiusPx)).toBe(3);
    expect(lodLevelFor(coarse + 0.01, headLodMaxRadiusPx)).toBe(2);
    expect(lodLevelFor(mid + 0.01, headLodMaxRadiusPx)).toBe(1);
    expect(lodLevelFor(fine + 0.01, headLodMaxRadiusPx)).toBe(0);
    expect(lodLevelFor(500, headLodMaxRadiusPx)).toBe(0);
  });

  it('reduces a thin box to its two large faces with the same outline', () => {
    for (const axis of ['y', 'z'] as const) {
      const size: [number, number, number] = axis === 'y' ? [0.08, 0.03, 0.12] : [0.9, 0.6, 0.03];
      const faces = slabFacesGeometry(...size, axis);
      expect(faces.index!.count / 3).toBe(4);
      faces.computeBoundingBox();
      const box = new BoxGeometry(...size);
      box.computeBoundingBox();
      expect(faces.boundingBox!.min.distanceTo(box.boundingBox!.min)).toBeLessThan(1e-9);
      expect(faces.boundingBox!.max.distanceTo(box.boundingBox!.max)).toBeLessThan(1e-9);
      // both faces point away from each other along the thin axis
      const normals = faces.getAttribute('normal');
      const component = axis === 'y' ? 1 : 2;
      const signs = new Set<number>();
      for (let v = 0; v < normals.count; v++) signs.add(Math.sign(normals.getComponent(v, component)));
      expect([...signs].sort()).toEqual([-1, 1]);
    }
  });
});

describe('instance bucket', () => {
  const matrixAt = (x: number) => new Matrix4().makeTranslation(x, 0, 0);

  it('writes a slot only for a new occupant or a move, and uploads only the changed span', () => {
    const mesh = new InstancedMesh(new BoxGeometry(), new MeshBasicMaterial(), 8);
    const bucket = new InstanceBucket(mesh);
    expect(mesh.visible).toBe(false);
    const frame = (entries: number[], moved: Set<number>) => {
      const written: number[] = [];
      bucket.begin();
      for (const e of entries) {
        if (!bucket.claim(e, moved.has(e))) continue;
        bucket.write(matrixAt(e));
        written.push(e);
      }
      bucket.end();
      return written;
    };
    expect(frame([0, 1, 2, 3], new Set())).toEqual([0, 1, 2, 3]);
    expect(mesh.count).toBe(4);
    expect(mesh.visible).toBe(true);
    expect(mesh.instanceMatrix.updateRanges).toEqual([{ start: 0, count: 4 * 16 }]);
    const version = mesh.instanceMatrix.version;
    // nothing moved, same occupants: no write, no upload
    expect(frame([0, 1, 2, 3], new Set())).toEqual([]);
    expect(mesh.instanceMatrix.version).toBe(version);
    // entry 2 moved: its slot only
    expect(frame([0, 1, 2, 3], new Set([2]))).toEqual([2]);
    expect(mesh.instanceMatrix.updateRanges).toEqual([{ start: 2 * 16, count: 16 }]);
    // entry 1 culled: later entries shift down one slot and are rewritten there
    expect(frame([0, 2, 3], new Set())).toEqual([2, 3]);
    expect(mesh.count).toBe(3);
    expect(bucket.occupantOf(1)).toBe(2);
    expect(new Vector3().setFromMatrixPosition(mesh.getMatrixAt(1, new Matrix4())).x).toBe(2);
    expect(bucket.occupantOf(3)).toBe(-1);
    // everything culled: nothing drawn
    expect(frame([], new Set())).toEqual([]);
    expect(mesh.visible).toBe(false);
    bucket.invalidate();
    expect(frame([0], new Set())).toEqual([0]);
    expect(() => frame([0, 1, 2, 3, 4, 5, 6, 7, 8], new Set())).toThrow(RangeError);
  });
});
