import { useFrame } from '@react-three/fiber';
import { Frustum, Matrix4, Sphere } from 'three';
import type { RefObject } from 'react';
import type { Object3D } from 'three';

const frustum = new Frustum();
const viewProjection = new Matrix4();
const bounds = new Sphere();

/**
 * Hides a uikit root (its group) while a sphere of `radiusMetres` around the group's origin is outside
 * the view (the XR camera's frustum, which spans both eyes, while presenting). uikit's glyph and panel
 * meshes are never frustum-culled by three, so a panel behind the viewer would otherwise cost its draw
 * calls and every glyph instance. Allocation-free per frame.
 */
export function useViewCull(group: RefObject<Object3D | null>, radiusMetres: number) {
  useFrame(({ gl, camera }) => {
    const g = group.current;
    if (!g) return;
    const eye = gl.xr.isPresenting ? gl.xr.getCamera() : camera;
    viewProjection.multiplyMatrices(eye.projectionMatrix, eye.matrixWorldInverse);
    frustum.setFromProjectionMatrix(viewProjection);
    bounds.center.setFromMatrixPosition(g.matrixWorld);
    bounds.radius = radiusMetres * g.matrixWorld.getMaxScaleOnAxis();
    g.visible = frustum.intersectsSphere(bounds);
  });
}
