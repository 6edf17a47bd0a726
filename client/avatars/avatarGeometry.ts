import {
  BufferAttribute,
  BoxGeometry,
  CapsuleGeometry,
  PlaneGeometry,
  RingGeometry,
  SphereGeometry,
  type BufferGeometry,
} from 'three';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';
import { slabFacesGeometry, sphereSagFraction } from '../scene/instanceLod.ts';

/**
 * An avatar people recognise, built once per module and sized in metres: a stylised head (about a
 * real head's size, never a screen-filling ball) with a dark visor across its front that shows where
 * the person looks, a torso below it that turns with the body (yaw) but not with a nod, hands, a name
 * tag and a speaking ring in the identity's colour.
 *
 * Head, visor and torso are ONE geometry per level of detail, so an avatar still costs one instance
 * of one draw call: vertex colours darken the visor and shade the torso under the identity colour,
 * and a `bodyPart` attribute (1 on the torso) lets the vertex shader keep the torso upright
 * (createAvatarMaterial.ts).
 */
export const HEAD_RADIUS_M = 0.12;
/** Below the head's centre: where the torso's top is (a short neck's gap). */
const TORSO_TOP_M = -0.17;
const TORSO_RADIUS_M = 0.13;
const TORSO_LENGTH_M = 0.2;
/** Shoulders wider than deep. */
const TORSO_WIDTH_SCALE = 1.35;
/** The widest part from the head's centre line, for the levels of detail (the torso's half width). */
const WIDEST_M = TORSO_RADIUS_M * TORSO_WIDTH_SCALE;
/** Visor colour factor (times the identity colour): near black, so any colour reads as a face. */
const VISOR_SHADE = 0.08;
const TORSO_SHADE = 0.8;

/**
 * A sphere around everything of the avatar's body for view culling: its centre below the head's, its
 * radius reaching the head's top and the torso's bottom.
 */
export const AVATAR_BOUNDS = { drop: 0.25, radius: 0.43 } as const;

export const HAND_SIZE_M = { width: 0.08, thickness: 0.03, length: 0.12 } as const;
export const handGeometry = new BoxGeometry(HAND_SIZE_M.width, HAND_SIZE_M.thickness, HAND_SIZE_M.length);
/** Tag quad; its height above the head is TAG_LIFT_M. */
export const tagGeometry = new PlaneGeometry(0.44, 0.11);
export const TAG_LIFT_M = 0.3;
/** The speaking ring: around the head, facing the viewer, pulsing while the person speaks. */
export const SPEAKING_RING_M = { inner: 0.16, outer: 0.19 } as const;
export const speakingGeometry = new RingGeometry(SPEAKING_RING_M.inner, SPEAKING_RING_M.outer, 32);
/** The ring is centred on the head. */
export const SPEAKING_OFFSET_M = 0;

/** Marks every vertex of `g` as `part` (0 head or visor, 1 torso) with the colour factor `shade`. */
function tag(g: BufferGeometry, part: number, shade: number): BufferGeometry {
  const n = g.getAttribute('position').count;
  g.setAttribute('bodyPart', new BufferAttribute(new Float32Array(n).fill(part), 1));
  g.setAttribute('color', new BufferAttribute(new Float32Array(n * 3).fill(shade), 3));
  return g;
}

/** Head + visor at `w` x `h` segments: the visor a band across the front (-z), at eye level. */
function headPart(w: number, h: number): BufferGeometry {
  const head = tag(new SphereGeometry(HEAD_RADIUS_M, w, h), 0, 1);
  // three's sphere: z = r sin(phi) sin(theta); the front (-z) is phi = 3π/2; theta from the top
  const visor = tag(
    new SphereGeometry(
      HEAD_RADIUS_M * 1.04,
      Math.max(4, Math.round(w * 0.6)),
      Math.max(2, Math.round(h / 3)),
      (3 * Math.PI) / 2 - 0.95,
      1.9,
      Math.PI / 2 - 0.42,
      0.52,
    ),
    0,
    VISOR_SHADE,
  );
  const merged = mergeGeometries([head, visor]);
  head.dispose();
  visor.dispose();
  return merged;
}

/** The torso at `radial` segments around and `cap` along each rounded end, hanging below the head. */
function torsoPart(radial: number, cap: number): BufferGeometry {
  return tag(
    new CapsuleGeometry(TORSO_RADIUS_M, TORSO_LENGTH_M, cap, radial)
      .scale(TORSO_WIDTH_SCALE, 1, 1)
      .translate(0, TORSO_TOP_M - TORSO_LENGTH_M / 2 - TORSO_RADIUS_M, 0),
    1,
    TORSO_SHADE,
  );
}

/** Segments of one level of detail: [head width, head height, torso radial, torso cap]. */
type Level = readonly [number, number, number, number];

/**
 * Largest on-screen silhouette error (px) a coarser level may add to a body: 1 px, where objects and
 * hands keep LOD_MAX_ERROR_PX (0.5). Level 0, what anyone near sees (a head over ~20 px in radius on the
 * render target), is never coarsened; below that a body is a few dozen pixels across, and a software
 * rasteriser pays per triangle for every body of the crowd a few metres away (the bulk of a room's
 * frame): halving the triangles there costs a silhouette within one pixel of the exact one.
 */
export const AVATAR_LOD_ERROR_PX = 1;

/**
 * Silhouette error of a level as a fraction of the head's radius: the head's sphere, and the torso's
 * radial and cap steps (each cap a quarter circle in `cap` steps) measured at the shoulders, wider
 * than the head by WIDEST_M / HEAD_RADIUS_M.
 */
export function levelError([w, h, radial, cap]: Level): number {
  const torso = Math.max(1 - Math.cos(Math.PI / radial), 1 - Math.cos(Math.PI / (4 * cap)));
  return Math.max(sphereSagFraction(w, h), torso * (WIDEST_M / HEAD_RADIUS_M));
}

/**
 * Levels of detail, finest first. The torso's radial and cap steps are the same angle (radial = 4 x
 * cap), so neither is finer than the other needs; the head, narrower than the shoulders, takes fewer.
 */
export const LEVELS: readonly Level[] = [
  [16, 12, 16, 4],
  [10, 5, 12, 3],
  [7, 4, 8, 2],
  [6, 3, 6, 1],
];

/** Head and visor at full detail (the naive bench scene draws it, and the torso, as meshes of their own). */
export const headGeometry = headPart(16, 12);
/** The torso at full detail (see headGeometry). */
export const torsoGeometry = torsoPart(16, 4);

/** The whole body (head, visor, torso) per level of detail, finest first. */
export const headLodGeometries = LEVELS.map(([w, h, radial, cap], level) => {
  const head = level === 0 ? headGeometry : headPart(w, h);
  const torso = level === 0 ? torsoGeometry : torsoPart(radial, cap);
  const body = mergeGeometries([head, torso]);
  if (level > 0) head.dispose();
  if (level > 0) torso.dispose();
  return body;
});

/**
 * Largest on-screen head radius (px) each level may be drawn at, so the silhouette of every part (the
 * shoulders' wider than the head's) stays within AVATAR_LOD_ERROR_PX of the exact shape.
 */
export const headLodMaxRadiusPx = LEVELS.map((segments, level) =>
  level === 0 ? Infinity : AVATAR_LOD_ERROR_PX / levelError(segments),
);

/** A hand as its top and bottom faces, for when its thickness is under LOD_MAX_ERROR_PX on screen. */
export const handFacesGeometry = slabFacesGeometry(
  HAND_SIZE_M.width,
  HAND_SIZE_M.thickness,
  HAND_SIZE_M.length,
  'y',
);
