import { useFrame } from '@react-three/fiber';
import { useRef, useState } from 'react';
import type { RefObject } from 'react';
import { Vector3 } from 'three';
import type { Camera, Matrix4, Object3D, WebGLRenderer } from 'three';
import { PX } from './spatialText.ts';

/**
 * Text level of detail for the room's panels. A glyph whose em is under a few pixels on the screen
 * (or the headset's eye buffer) cannot be read: its page of MSDF glyph quads is drawn as grey lines
 * (greeked) instead, the way the avatars' heads drop to fewer triangles when small on screen. In a
 * software rasteriser a glyph quad costs about as much as a panel, so a far board of 10,000 glyphs
 * is most of a frame; its lines cost a few dozen quads.
 */

/** Em height on screen (px) under which a text is drawn as lines; shown again above it by 10%. */
export const READABLE_EM_PX = 4;
const SHOW_EM_PX = READABLE_EM_PX * 1.1;

const eye = new Vector3();
const at = new Vector3();

/**
 * Pixels an object 1 m tall covers at 1 m from the eye, for the view being rendered: the XR
 * session's first eye when presenting (its own projection and buffer), else the camera on the canvas.
 * Also leaves the eye's world position in `eyeOut`.
 */
export function pixelsPerMetreAtOneMetre(gl: WebGLRenderer, camera: Camera, eyeOut: Vector3): number {
  if (gl.xr.isPresenting) {
    const xr = gl.xr.getCamera();
    const view = xr.cameras[0];
    if (view) {
      eyeOut.setFromMatrixPosition(view.matrixWorld);
      return (view.projectionMatrix.elements[5]! * view.viewport.w) / 2;
    }
  }
  eyeOut.setFromMatrixPosition(camera.matrixWorld);
  return (camera.projectionMatrix.elements[5]! * gl.getContext().drawingBufferHeight) / 2;
}

/**
 * Whether text of `emMetres` at the local point (x, y, z) of `frame` is readable from the eye,
 * `wasReadable` giving the hysteresis (so a viewer at the threshold does not see it flicker).
 * Allocation-free: call it per frame.
 */
export function readableAt(
  frame: Matrix4,
  x: number,
  y: number,
  z: number,
  emMetres: number,
  pxPerMetre: number,
  eyePosition: Vector3,
  wasReadable: boolean,
): boolean {
  at.set(x, y, z).applyMatrix4(frame);
  const distance = Math.max(at.distanceTo(eyePosition), 1e-3);
  const emPx = (emMetres * pxPerMetre) / distance;
  return emPx >= (wasReadable ? READABLE_EM_PX : SHOW_EM_PX);
}

/** The module's eye vector, for callers that need one without allocating. */
export const lodEye = eye;

/**
 * The smallest of `sizesPx` (uikit font sizes, ascending) readable at `object`'s origin from the eye,
 * Infinity when none is: a text of size s is readable when s >= the value. Re-renders only when it
 * changes; the per-frame check allocates nothing.
 */
export function useSmallestReadable(object: RefObject<Object3D | null>, sizesPx: readonly number[]): number {
  const [smallest, setSmallest] = useState(sizesPx[0] ?? Infinity);
  const current = useRef(smallest);
  useFrame(({ gl, camera }) => {
    const o = object.current;
    if (!o) return;
    const k = pixelsPerMetreAtOneMetre(gl, camera, eye);
    let next = Infinity;
    for (let i = sizesPx.length - 1; i >= 0; i--) {
      const s = sizesPx[i]!;
      if (!readableAt(o.matrixWorld, 0, 0, 0, s * PX, k, eye, s >= current.current)) break;
      next = s;
    }
    if (next !== current.current) {
      current.current = next;
      setSmallest(next);
    }
  });
  return smallest;
}
