import { Matrix4, PerspectiveCamera, Vector3 } from 'three';
import type { WebGLRenderer } from 'three';
import { describe, expect, it } from 'vitest';
import { PX } from '../../../client/spatial/spatialText.ts';
import { READABLE_EM_PX, pixelsPerMetreAtOneMetre, readableAt } from '../../../client/spatial/textLod.ts';

/** A renderer as far as textLod reads it: not presenting XR, a 360-pixel-high drawing buffer. */
const gl = {
  xr: { isPresenting: false },
  getContext: () => ({ drawingBufferHeight: 360 }),
} as unknown as WebGLRenderer;

describe('text level of detail (screen size of a glyph em)', () => {
  const camera = new PerspectiveCamera(70, 16 / 9, 0.05, 200);
  camera.position.set(0, 1.6, 0);
  camera.updateMatrixWorld();
  const eye = new Vector3();
  const k = pixelsPerMetreAtOneMetre(gl, camera, eye);
  const board = new Matrix4(); // the board's frame at the origin

  it('measures pixels per metre at one metre from the camera and the buffer', () => {
    expect(k).toBeCloseTo(180 / Math.tan((35 * Math.PI) / 180), 6);
    expect(eye.toArray()).toEqual([0, 1.6, 0]);
  });

  it('reads a 26 px panel text near, draws it as lines far, with hysteresis at the threshold', () => {
    const em = 26 * PX;
    expect(readableAt(board, 0, 1.6, -2, em, k, eye, true)).toBe(true); // ~5 px at 2 m
    expect(readableAt(board, 0, 1.6, -11.6, em, k, eye, true)).toBe(false); // under 1 px
    // just under the show threshold but above the hide one: keeps what it was
    const distance = (em * k) / (READABLE_EM_PX * 1.05);
    expect(readableAt(board, 0, 1.6, -distance, em, k, eye, true)).toBe(true);
    expect(readableAt(board, 0, 1.6, -distance, em, k, eye, false)).toBe(false);
  });

  it('takes the frame of the board into account', () => {
    const far = new Matrix4().makeTranslation(0, 0, -20);
    expect(readableAt(far, 0, 1.6, 18, 26 * PX, k, eye, true)).toBe(true); // the panel is 2 m away
    expect(readableAt(far, 0, 1.6, 0, 26 * PX, k, eye, true)).toBe(false);
  });
});
